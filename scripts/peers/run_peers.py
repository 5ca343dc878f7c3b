#!/usr/bin/env python3
"""Runs Python peer trackers (SORT, ByteTrack, OC-SORT) on MOTChallenge public detections.

For each sequence and tracker it feeds det.txt to the tracker frame by frame, writes the
tracks in MOT format to <out>/<tracker>/<SEQ>.txt and measures tracking speed: only the
tracker's update calls are timed. The tracks can then be scored with
scripts/motmetrics_crosscheck.py, the same way as Footfall's own output.

Setup, once, from the repository root (the venv folder is gitignored):
    python3.11 -m venv .venv-peers && .venv-peers/bin/pip install -r scripts/peers/requirements.txt

Usage:
    .venv-peers/bin/python scripts/peers/run_peers.py [SEQ ...] [--data DIR] [--out DIR]
        [--trackers sort,bytetrack,ocsort] [--repeat N]

Peers, each with its library defaults:
    sort       Bewley's SORT (PyPI sort-tracker-py), max_age=1, min_hits=3, iou_threshold=0.3
               as in the original demo. Outputs the Kalman-filtered box of each track.
    bytetrack  ByteTrackTracker from roboflow's `trackers`, with the sequence's frame rate.
    ocsort     OCSORTTracker from roboflow's `trackers`, with the sequence's frame rate.
               Both `trackers` peers output the matched detection box, not a filtered one.
"""

from __future__ import annotations

import argparse
import configparser
import json
import sys
import time
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA = REPO_ROOT / ".." / "shared" / "datasets" / "mot15"
DEFAULT_OUT = Path("/tmp/footfall-peers")
SEQUENCES = ["TUD-Campus", "TUD-Stadtmitte", "KITTI-17", "ADL-Rundle-6", "Venice-2", "ETH-Sunnyday"]
TRACKERS = ["sort", "bytetrack", "ocsort"]


def read_seqinfo(seq_dir: Path) -> tuple[int, float]:
    """Returns (seqLength, frameRate) from the sequence's seqinfo.ini."""
    ini = configparser.ConfigParser()
    ini.read(seq_dir / "seqinfo.ini")
    section = ini["Sequence"]
    return int(section["seqLength"]), float(section["frameRate"])


def read_detections(path: Path) -> dict[int, np.ndarray]:
    """Reads det.txt into {frame: array of [x1, y1, x2, y2, score]} (frames count from 1)."""
    rows: dict[int, list[list[float]]] = {}
    for line in path.read_text().splitlines():
        if not line.strip():
            continue
        fields = [float(v) for v in line.split(",")]
        frame = int(fields[0])
        left, top, width, height, score = fields[2:7]
        rows.setdefault(frame, []).append([left, top, left + width, top + height, score])
    return {frame: np.array(boxes, dtype=np.float64) for frame, boxes in rows.items()}


class SortPeer:
    """Bewley's SORT. update() takes [[x1, y1, x2, y2, score], ...] and returns
    [[x1, y1, x2, y2, score, id], ...] with ids already counted from 1."""

    name = "sort"

    def __init__(self, frame_rate: float):
        from sort_tracker import sort as sort_module

        # SORT numbers tracks with a class-level counter that survives across instances;
        # restart it so every sequence's ids begin at 1, as when the demo runs one sequence.
        sort_module.KalmanBoxTracker.count = 0
        self.tracker = sort_module.Sort(max_age=1, min_hits=3, iou_threshold=0.3)

    @staticmethod
    def prepare(dets: np.ndarray) -> np.ndarray:
        return dets

    def update(self, prepared):
        return self.tracker.update(prepared)

    @staticmethod
    def rows(result) -> list[tuple[int, float, float, float, float]]:
        return [(int(r[-1]), r[0], r[1], r[2], r[3]) for r in result]


class TrackersPeer:
    """A tracker from roboflow's `trackers`. update() takes sv.Detections (xyxy plus
    confidence) and returns the frame's detections with a 0-based tracker_id, -1 for
    detections that are not (yet) part of a confirmed track."""

    def __init__(self, name: str, frame_rate: float):
        import trackers

        self.name = name
        if name == "bytetrack":
            self.tracker = trackers.ByteTrackTracker(frame_rate=frame_rate)
        else:
            self.tracker = trackers.OCSORTTracker(frame_rate=frame_rate)

    @staticmethod
    def prepare(dets: np.ndarray):
        import supervision as sv

        if len(dets) == 0:
            return sv.Detections.empty()
        return sv.Detections(xyxy=dets[:, :4].copy(), confidence=dets[:, 4].astype(np.float32))

    def update(self, prepared):
        return self.tracker.update(prepared)

    @staticmethod
    def rows(result) -> list[tuple[int, float, float, float, float]]:
        if len(result) == 0 or result.tracker_id is None:
            return []
        out = []
        for box, track_id in zip(result.xyxy, result.tracker_id):
            if track_id < 0:
                continue
            # MOT ids must be positive.
            out.append((int(track_id) + 1, box[0], box[1], box[2], box[3]))
        return out


def make_peer(name: str, frame_rate: float):
    if name == "sort":
        return SortPeer(frame_rate)
    return TrackersPeer(name, frame_rate)


def track_sequence(name: str, dets: dict[int, np.ndarray], length: int, frame_rate: float):
    """Runs one tracker over frames 1..length. Returns (rows per frame, seconds in update)."""
    peer = make_peer(name, frame_rate)
    empty = np.empty((0, 5))
    inputs = [peer.prepare(dets.get(frame, empty)) for frame in range(1, length + 1)]
    results = []
    elapsed = 0.0
    for prepared in inputs:
        start = time.perf_counter()
        result = peer.update(prepared)
        elapsed += time.perf_counter() - start
        results.append(result)
    frames = {frame: peer.rows(result) for frame, result in enumerate(results, start=1)}
    return frames, elapsed


def write_tracks(path: Path, frames: dict[int, list]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as f:
        for frame, rows in frames.items():
            for track_id, x1, y1, x2, y2 in sorted(rows):
                f.write(f"{frame},{track_id},{x1:.2f},{y1:.2f},{x2 - x1:.2f},{y2 - y1:.2f},1,-1,-1,-1\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sequences", nargs="*", help=f"sequences to run (default: {' '.join(SEQUENCES)})")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="MOT15 folder (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: %(default)s)")
    parser.add_argument("--trackers", default=",".join(TRACKERS), help="comma-separated (default: %(default)s)")
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="run each tracker this many times per sequence and report the fastest (default: %(default)s)",
    )
    args = parser.parse_args()

    sequences = args.sequences or SEQUENCES
    names = [n.strip() for n in args.trackers.split(",") if n.strip()]
    unknown = [n for n in names if n not in TRACKERS]
    if unknown:
        parser.error(f"unknown tracker(s) {', '.join(unknown)}; choose from {', '.join(TRACKERS)}")
    data = args.data.resolve()
    missing = [s for s in sequences if not (data / s / "det.txt").is_file()]
    if missing:
        parser.error(f"no det.txt under {data} for: {', '.join(missing)}")

    timing: dict[str, dict[str, float]] = {name: {} for name in names}
    for seq in sequences:
        length, frame_rate = read_seqinfo(data / seq)
        dets = read_detections(data / seq / "det.txt")
        for name in names:
            best = float("inf")
            for attempt in range(max(1, args.repeat)):
                frames, elapsed = track_sequence(name, dets, length, frame_rate)
                if attempt == 0:
                    write_tracks(args.out / name / f"{seq}.txt", frames)
                best = min(best, elapsed)
            timing[name][seq] = round(length / best, 1) if best > 0 else float("inf")
            print(f"{name:<10} {seq:<15} {length:>4} frames  {timing[name][seq]:>9.1f} fps", file=sys.stderr)

    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "timing.json").write_text(json.dumps(timing, indent=2) + "\n")

    print(f"\nTracking speed, update calls only (frames per second), tracks in {args.out}/<tracker>/")
    print(f"{'sequence':<16}" + "".join(f"{name:>11}" for name in names))
    for seq in sequences:
        print(f"{seq:<16}" + "".join(f"{timing[name][seq]:>11.1f}" for name in names))
    return 0


if __name__ == "__main__":
    sys.exit(main())
