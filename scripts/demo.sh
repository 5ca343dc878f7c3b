#!/usr/bin/env bash
# The demo: installs what is needed, builds Footfall, installs the trained person detector and
# serves the dashboard with the demo camera counting people in OpenCV's sample video. Extra
# arguments go to `footfall serve`. Without the model (no network, say) the demo camera falls back
# to the motion detector and its log says so.
set -euo pipefail

cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build --product footfall
"$(swift build --show-bin-path)/footfall" models install ssdlite --data-dir "${FOOTFALL_DATA_DIR:-./footfall-data}" \
  || echo "footfall demo: the trained model could not be installed; the demo camera uses the motion detector"
echo "footfall demo: open http://${FOOTFALL_HOST:-127.0.0.1}:${FOOTFALL_PORT:-8080}/ (Ctrl-C stops)"
exec "$(swift build --show-bin-path)/footfall" serve --demo "$@"
