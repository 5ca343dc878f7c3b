#!/usr/bin/env python3
"""How well could any tracker count on these detections? Writes "oracle" tracks and counts them.

An oracle tracker is told who everyone is: each public detection that overlaps a ground-truth
box (IoU >= 0.5, matched one to one, best overlap first) takes that person's identity, and
every other detection is dropped. Its tracks are then scored and counted by the same
`footfall eval --tracks` as Footfall's and the peers'. What it still gets wrong is what the
detections cannot show: people with no box on one side of a line. No tracker that only links
detections can do better (short of inventing boxes), so its count error is a floor for the
issue's target on these detections.

Oracles:
- "any gap": identities are kept however long a person goes unseen;
- "gaps <= T s": a person unseen for longer than T seconds starts a new identity, as a
  tracker that keeps a lost person T seconds would at best.

Usage, from the repository root after `swift build -c release`:
    python3 scripts/oracle_tracks.py [--footfall .build/release/footfall] [--gap 0.5 1 2 3]
"""

from __future__ import annotations

import argparse
import configparser
import json
import subprocess
import tempfile
from collections import defaultdict
from pathlib import Path

STATIC = ["TUD-Campus", "TUD-Stadtmitte", "KITTI-17", "ADL-Rundle-6", "Venice-2"]


def read_rows(path: Path) -> dict[int, list[tuple[int, float, float, float, float, float]]]:
    frames: dict[int, list] = defaultdict(list)
    for line in path.read_text().splitlines():
        if not line.strip():
            continue
        f = line.split(",")
        frames[int(float(f[0]))].append((int(float(f[1])), *map(float, f[2:7])))
    return frames


def iou(a, b) -> float:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    w = min(ax + aw, bx + bw) - max(ax, bx)
    h = min(ay + ah, by + bh) - max(ay, by)
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    return inter / (aw * ah + bw * bh - inter)


def match(detections, truth) -> dict[int, list[tuple[int, tuple]]]:
    """Each scored ground-truth person's (frame, detection box), matched one to one per frame."""
    matched: dict[int, list[tuple[int, tuple]]] = defaultdict(list)
    for frame in sorted(detections):
        people = [(pid, box) for pid, *box, conf in truth.get(frame, []) if conf >= 1]
        boxes = [tuple(box) for _, *box, _ in detections[frame]]
        pairs = sorted(((iou(d, p[1]), i, j) for i, d in enumerate(boxes) for j, p in enumerate(people)),
                       reverse=True)
        used_d, used_p = set(), set()
        for overlap, i, j in pairs:
            if overlap < 0.5:
                break
            if i in used_d or j in used_p:
                continue
            used_d.add(i)
            used_p.add(j)
            matched[people[j][0]].append((frame, boxes[i]))
    return matched


def oracle(detections, truth, frame_rate: float, gap_seconds: float | None) -> list[str]:
    """MOT rows: each detection matched to a scored ground-truth person, with that person's id."""
    matched = match(detections, truth)
    rows, next_id = [], 1
    for pid in sorted(matched):
        last = None
        for frame, box in matched[pid]:
            if last is None or (gap_seconds is not None and (frame - last) / frame_rate > gap_seconds):
                track, next_id = next_id, next_id + 1
            last = frame
            rows.append((frame, track, box))
    rows.sort()
    return [f"{f},{t},{b[0]:.2f},{b[1]:.2f},{b[2]:.2f},{b[3]:.2f},1,-1,-1,-1" for f, t, b in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--footfall", default=".build/release/footfall")
    parser.add_argument("--data", default="../shared/datasets/mot15")
    parser.add_argument("--gap", type=float, nargs="+", default=[0.5, 1.0, 2.0, 3.0],
                        help="seconds a person may go unseen, one oracle each")
    args = parser.parse_args()
    data = Path(args.data)
    if not data.is_dir():
        print(f"skipped: {data} is absent")
        return
    gaps: list[float | None] = [None, *args.gap]
    names = ["any gap", *[f"gaps <= {g:g} s" for g in args.gap]]
    print("| sequence | true crossings | " + " | ".join(f"oracle, {n}" for n in names) + " |")
    print("|---|---:|" + "---:|" * len(gaps))
    truth_total, errors_total = 0, [0] * len(gaps)
    with tempfile.TemporaryDirectory() as scratch:
        for seq in STATIC:
            info = configparser.ConfigParser()
            info.read(data / seq / "seqinfo.ini")
            rate = float(info["Sequence"]["frameRate"])
            detections, truth = read_rows(data / seq / "det.txt"), read_rows(data / seq / "gt.txt")
            errors = []
            for index, gap in enumerate(gaps):
                path = Path(scratch) / f"{seq}-{index}.txt"
                path.write_text("\n".join(oracle(detections, truth, rate, gap)) + "\n")
                report = json.loads(subprocess.run(
                    [args.footfall, "eval", "--tracks", str(path), "--ground-truth", str(data / seq / "gt.txt"),
                     "--lines", f"Fixtures/mot15/{seq}.json", "--fps", str(rate), "--json"],
                    check=True, capture_output=True, text=True).stdout)
                errors.append(sum(abs(l["in"] - l["gt_in"]) + abs(l["out"] - l["gt_out"]) for l in report["lines"]))
                crossings = sum(l["gt_in"] + l["gt_out"] for l in report["lines"])
            truth_total += crossings
            errors_total = [a + b for a, b in zip(errors_total, errors)]
            print(f"| {seq} | {crossings} | " + " | ".join(f"{e}/{crossings}" for e in errors) + " |")
    print(f"| all | {truth_total} | "
          + " | ".join(f"{e}/{truth_total} = {100 * e / truth_total:.1f} %" for e in errors_total) + " |")


if __name__ == "__main__":
    main()
