#!/usr/bin/env python3
"""Scores MOT-format tracks with py-motmetrics, to cross-check Footfall's `footfall eval`.

It applies Footfall's evaluation rules before handing the data to motmetrics:
  1. A hypothesis matches a ground-truth box only when IoU >= 0.5 (motmetrics' IoU
     distance with max_iou=0.5).
  2. Ground-truth rows with conf == 0 are ignored. In each frame, hypotheses that match an
     ignored box (min-cost assignment on 1 - IoU, pairs with IoU >= 0.5) are dropped; the
     rest are scored against the conf != 0 boxes.
  3. Every frame that appears in the ground truth or in the tracks is scored.
The two should agree to 0.1 points.

MOTA, MOTP and IDF1 are printed in percent. MOTP follows MOTChallenge: the mean IoU of
matched pairs, i.e. 100 * (1 - motmetrics' mean IoU distance).

Setup, once, from the repository root (the venv folder is gitignored):
    python3.11 -m venv .venv-peers && .venv-peers/bin/pip install -r scripts/peers/requirements.txt

Usage:
    .venv-peers/bin/python scripts/motmetrics_crosscheck.py --gt GT.txt --tracks TRACKS.txt [--json]
    .venv-peers/bin/python scripts/motmetrics_crosscheck.py --all TRACKS_DIR [--data DIR] [--json]
The second form scores every <SEQ>.txt in TRACKS_DIR against <DIR>/<SEQ>/gt.txt.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

# motmetrics 1.4.0 calls np.asfarray, which numpy 2 removed.
if not hasattr(np, "asfarray"):
    np.asfarray = lambda a, dtype=np.float64: np.asarray(a, dtype=dtype)

import motmetrics as mm  # noqa: E402
from scipy.optimize import linear_sum_assignment  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO_ROOT / ".." / "shared" / "datasets" / "mot15"
IOU_THRESHOLD = 0.5
METRICS = [
    "num_frames",
    "mota",
    "motp",
    "idf1",
    "num_switches",
    "num_false_positives",
    "num_misses",
    "num_objects",
]


class Boxes:
    """One frame's boxes from a MOT file: ids, (left, top, width, height) and conf."""

    def __init__(self, rows: list[list[float]]):
        table = np.array(rows, dtype=np.float64).reshape(-1, 5)
        self.ids = table[:, 0].astype(np.int64)
        self.xywh = table[:, 1:5]

    def __len__(self) -> int:
        return len(self.ids)

    def subset(self, keep: np.ndarray) -> "Boxes":
        out = Boxes([])
        out.ids = self.ids[keep]
        out.xywh = self.xywh[keep]
        return out


def read_mot(path: Path) -> dict[int, list[list[float]]]:
    """Reads a MOT text file into {frame: [[id, left, top, width, height, conf], ...]}."""
    frames: dict[int, list[list[float]]] = {}
    for line in path.read_text().splitlines():
        fields = line.replace(",", " ").split()
        if not fields:
            continue
        values = [float(v) for v in fields[:7]]
        frames.setdefault(int(values[0]), []).append(values[1:7])
    return frames


def iou(objs: np.ndarray, hyps: np.ndarray) -> np.ndarray:
    """IoU between (x, y, w, h) boxes, computed the same way as motmetrics' distance."""
    return mm.distances.boxiou(objs[:, None], hyps[None, :])


def drop_ignored_matches(ignored: np.ndarray, hyps: Boxes) -> Boxes:
    """Removes the hypotheses that an ignored ground-truth box claims (IoU >= 0.5)."""
    if len(ignored) == 0 or len(hyps) == 0:
        return hyps
    overlap = iou(ignored, hyps.xywh)
    rows, cols = linear_sum_assignment(1.0 - overlap)
    claimed = [c for r, c in zip(rows, cols) if overlap[r, c] >= IOU_THRESHOLD]
    keep = np.ones(len(hyps), dtype=bool)
    keep[claimed] = False
    return hyps.subset(keep)


def accumulate(gt: dict[int, list[list[float]]], tracks: dict[int, list[list[float]]]) -> mm.MOTAccumulator:
    acc = mm.MOTAccumulator(auto_id=True)
    for frame in sorted(set(gt) | set(tracks)):
        gt_rows = gt.get(frame, [])
        scored = Boxes([r[:5] for r in gt_rows if r[5] != 0])
        ignored = np.array([r[1:5] for r in gt_rows if r[5] == 0], dtype=np.float64).reshape(-1, 4)
        hyps = drop_ignored_matches(ignored, Boxes([r[:5] for r in tracks.get(frame, [])]))
        dists = mm.distances.iou_matrix(scored.xywh, hyps.xywh, max_iou=1.0 - IOU_THRESHOLD)
        acc.update(scored.ids, hyps.ids, dists)
    return acc


def summarize(row) -> dict[str, float | int]:
    """Turns one motmetrics summary row into the numbers `footfall eval` prints."""
    motp_distance = float(row["motp"])
    return {
        "mota": 100.0 * float(row["mota"]),
        "motp": 100.0 * (1.0 - motp_distance) if np.isfinite(motp_distance) else float("nan"),
        "idf1": 100.0 * float(row["idf1"]),
        "idsw": int(row["num_switches"]),
        "fp": int(row["num_false_positives"]),
        "fn": int(row["num_misses"]),
        "num_objects": int(row["num_objects"]),
        "num_frames": int(row["num_frames"]),
        "motp_distance": motp_distance,
    }


def evaluate(pairs: list[tuple[str, Path, Path]], overall: bool) -> dict[str, dict]:
    """Scores (name, gt, tracks) pairs; adds an OVERALL row when asked and there are several."""
    accs = [accumulate(read_mot(gt), read_mot(tracks)) for _, gt, tracks in pairs]
    names = [name for name, _, _ in pairs]
    metrics_host = mm.metrics.create()
    summary = metrics_host.compute_many(
        accs, metrics=METRICS, names=names, generate_overall=overall and len(pairs) > 1
    )
    return {str(name): summarize(row) for name, row in summary.iterrows()}


def print_table(results: dict[str, dict]) -> None:
    header = f"{'sequence':<16}{'MOTA':>7}{'MOTP':>7}{'IDF1':>7}{'IDSW':>6}{'FP':>7}{'FN':>7}{'objects':>9}{'frames':>8}"
    print(header)
    for name, r in results.items():
        print(
            f"{name:<16}{r['mota']:>7.1f}{r['motp']:>7.1f}{r['idf1']:>7.1f}{r['idsw']:>6}"
            f"{r['fp']:>7}{r['fn']:>7}{r['num_objects']:>9}{r['num_frames']:>8}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gt", type=Path, help="ground-truth file (MOT format)")
    parser.add_argument("--tracks", type=Path, help="tracker output (MOT format)")
    parser.add_argument("--all", type=Path, metavar="TRACKS_DIR", help="score every <SEQ>.txt in this folder")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="MOT15 folder for --all (default: %(default)s)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args()

    if args.all is not None:
        if args.gt or args.tracks:
            parser.error("--all cannot be combined with --gt/--tracks")
        data = args.data.resolve()
        pairs = []
        for tracks in sorted(args.all.glob("*.txt")):
            gt = data / tracks.stem / "gt.txt"
            if gt.is_file():
                pairs.append((tracks.stem, gt, tracks))
            else:
                print(f"skipping {tracks.name}: no {gt}", file=sys.stderr)
        if not pairs:
            parser.error(f"no <SEQ>.txt in {args.all} has a ground truth under {data}")
        results = evaluate(pairs, overall=True)
    else:
        if args.gt is None or args.tracks is None:
            parser.error("give --gt and --tracks, or --all TRACKS_DIR")
        results = evaluate([(args.tracks.stem, args.gt, args.tracks)], overall=False)

    if args.json:
        single = args.all is None
        print(json.dumps(next(iter(results.values())) if single else results, indent=2))
    else:
        print_table(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
