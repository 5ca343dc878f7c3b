#!/usr/bin/env bash
# The demo: installs what is needed, builds Footfall and serves the dashboard with the demo
# camera counting people in OpenCV's sample video. Extra arguments go to `footfall serve`.
set -euo pipefail

cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build --product footfall
echo "footfall demo: open http://${FOOTFALL_HOST:-127.0.0.1}:${FOOTFALL_PORT:-8080}/ (Ctrl-C stops)"
exec "$(swift build --show-bin-path)/footfall" serve --demo "$@"
