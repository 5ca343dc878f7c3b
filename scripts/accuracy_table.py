#!/usr/bin/env python3
"""Prints the tables of docs/accuracy.md: every static MOT15 sequence scored by `footfall eval`.

Footfall's rows are left-out figures: `footfall eval --cross-validate` chooses the settings for
each sequence on the other sequences only. The peers' rows come from the tracks written by
scripts/peers/run_peers.py (each peer with its own defaults, tuned on nothing here), scored
and counted by the same `footfall eval --tracks`.

Usage, from the repository root after `swift build -c release`:
    python3 scripts/accuracy_table.py [--footfall .build/release/footfall] [--peers /tmp/footfall-peers]
Peers whose tracks are missing are left out; speeds of peers come from <peers>/timing.json.
"""

from __future__ import annotations

import argparse
import json
import subprocess
from pathlib import Path

STATIC = ["TUD-Campus", "TUD-Stadtmitte", "KITTI-17", "ADL-Rundle-6", "Venice-2"]


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

    folds = json.loads(subprocess.run(
        [args.footfall, "eval", "--json", "--cross-validate", *[str(data / seq) for seq in STATIC]],
        check=True, capture_output=True, text=True).stdout)["folds"]
    peers_list = [(name, name.lower().replace("-", "")) for name in ["SORT", "ByteTrack", "OC-SORT"]]
    print("| sequence | tracker | MOTA | IDF1 | ID sw. | FP | FN | count error | frames/s |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    totals: dict[str, list[int]] = {}
    settings = []
    for seq, fold in zip(STATIC, folds):
        rows = [("Footfall, left out", {**fold, "error": fold["count_mistakes"], "truth": fold["count_truth"]}, fold["fps"])]
        settings.append((seq, fold["settings"], fold["training_count_error"]))
        for name, peer in peers_list:
            tracks = peers / peer / f"{seq}.txt"
            if not tracks.exists():
                continue
            report = evaluate(args.footfall, data, seq, ["--tracks", str(tracks)])
            error, truth = count_error(report)
            rows.append((name, {**report, "error": error, "truth": truth}, timing.get(peer, {}).get(seq)))
        for name, r, fps in rows:
            total = totals.setdefault(name, [0, 0])
            total[0] += r["error"]
            total[1] += r["truth"]
            print(f"| {seq} | {name} | {r['mota'] * 100:.1f} | {r['idf1'] * 100:.1f} | {r['idsw']} "
                  f"| {r['fp']} | {r['fn']} | {r['error']}/{r['truth']} | {f'{fps:,.0f}' if fps else '—'} |")
    print()
    print("| tracker | line count error, all static sequences |")
    print("|---|---:|")
    for name, (error, truth) in totals.items():
        print(f"| {name} | {error}/{truth} = {100 * error / truth:.1f} % |")
    print()
    print("| left out | settings chosen on the other sequences | their count error |")
    print("|---|---|---:|")
    for seq, chosen, training in settings:
        print(f"| {seq} | {chosen} | {100 * training:.1f} % |")


if __name__ == "__main__":
    main()
