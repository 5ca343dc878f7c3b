#!/usr/bin/env bash
# Times the ONNX detector on random-weight YOLOv8n-sized models (640 and 320 input) and HOG
# at the same sizes, on one core, against decoding alone: `footfall bench vision`.
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for size in 640 320; do
  python3 scripts/fixtures/make_yolo_like_onnx.py "$work/yolo-like-$size.onnx" --size "$size" >/dev/null
done
swift build -c release --product footfall >/dev/null
taskset -c 0 .build/release/footfall bench vision --hog \
  --onnx "$work/yolo-like-640.onnx:640" --onnx "$work/yolo-like-320.onnx:320" "$@"
