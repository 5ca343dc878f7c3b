#!/usr/bin/env python3
"""Prints the table of docs/accuracy.md: every static MOT15 sequence scored by `footfall eval`,
for Footfall's tracker and for the peers' tracks written by scripts/peers/run_peers.py.

Usage, from the repository root after `swift build -c release`:
    python3 scripts/accuracy_table.py [--footfall .build/release/footfall] [--peers /tmp/footfall-peers]
Peers whose tracks are missing are left out; speeds of peers come from <peers>/timing.json.
"""

from __future__ import annotations

import argparse
import json
import subprocess
from pathlib import Path

STATIC = ["TUD-Campus", "TUD-Stadtmitte", "KITTI-17", "ADL-Rundle-6"]


def evaluate(footfall: str, data: Path, seq: str, extra: list[str]) -> dict:
    command = [footfall, "eval", "--ground-truth", str(data / seq / "gt.txt"),
               "--lines", f"Fixtures/mot15/{seq}.json", "--json", *extra]
    return json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)


def count_error(report: dict) -> tuple[int, int]:
    error = sum(abs(l["in"] - l["gt_in"]) + abs(l["out"] - l["gt_out"]) for l in report["lines"])
    truth = sum(l["gt_in"] + l["gt_out"] for l in report["lines"])
    return error, truth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--footfall", default=".build/release/footfall")
    parser.add_argument("--data", default="../shared/datasets/mot15")
    parser.add_argument("--peers", default="/tmp/footfall-peers")
    args = parser.parse_args()
    data, peers = Path(args.data), Path(args.peers)
    timing = json.loads((peers / "timing.json").read_text()) if (peers / "timing.json").exists() else {}

    trackers = [("Footfall", None, []), ("Footfall, online", None, ["--no-gap-fill", "--no-backfill"])]
    trackers += [(name, name.lower().replace("-", ""), []) for name in ["SORT", "ByteTrack", "OC-SORT"]]
    print("| sequence | tracker | MOTA | IDF1 | ID sw. | FP | FN | count error | frames/s |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    totals: dict[str, list[int]] = {}
    for seq in STATIC:
        for name, peer, extra in trackers:
            if peer is None:
                report = evaluate(args.footfall, data, seq, ["--detections", str(data / seq / "det.txt"), *extra])
                fps = report["fps"]
            else:
                tracks = peers / peer / f"{seq}.txt"
                if not tracks.exists():
                    continue
                report = evaluate(args.footfall, data, seq, ["--tracks", str(tracks)])
                fps = timing.get(peer, {}).get(seq)
            error, truth = count_error(report)
            total = totals.setdefault(name, [0, 0])
            total[0] += error
            total[1] += truth
            print(f"| {seq} | {name} | {report['mota'] * 100:.1f} | {report['idf1'] * 100:.1f} | {report['idsw']} "
                  f"| {report['fp']} | {report['fn']} | {error}/{truth} | {f'{fps:,.0f}' if fps else '—'} |")
    print()
    print("| tracker | line count error, all static sequences |")
    print("|---|---:|")
    for name, (error, truth) in totals.items():
        print(f"| {name} | {error}/{truth} = {100 * error / truth:.1f} % |")


if __name__ == "__main__":
    main()
