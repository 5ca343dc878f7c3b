#!/usr/bin/env bash
# The dashboard's tests: its pure JavaScript functions with Node's test runner, then the whole
# dashboard in Debian's Chromium driven by Selenium against a real `footfall serve` playing the
# sample video (Tests/BrowserTests). scripts/setup.sh --tests installs Chromium, its driver and Node.
#   scripts/browser-tests.sh FOOTFALL_BINARY VIDEO
set -euo pipefail

binary="${1:?path to the footfall binary}"
video="${2:?path to the sample video}"
cd "$(dirname "$0")/.."
if ! python3 -c "import selenium" >/dev/null 2>&1; then
  echo "footfall browser tests: installing selenium from PyPI"
  python3 -m pip install --quiet --disable-pip-version-check selenium==4.51.0
fi

node --test Tests/DashboardTests/

FOOTFALL_BINARY="$binary" FOOTFALL_TEST_VIDEO="$video" \
  FOOTFALL_BROWSER_ARTIFACTS="${FOOTFALL_BROWSER_ARTIFACTS:-$PWD/.build-browser-artifacts}" \
  python3 -m unittest discover -s Tests/BrowserTests -p 'test_*.py' -v
