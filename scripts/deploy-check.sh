#!/usr/bin/env bash
# Checks the files in deploy/ with their own tools: the Prometheus rules (syntax and their unit
# tests) and scrape configuration with promtool, and the systemd units with systemd-analyze,
# pointed at the built binary since the units name where it is installed.
# Usage: scripts/deploy-check.sh PATH/TO/footfall
set -euo pipefail
cd "$(dirname "$0")/.."
binary="$(realpath "$1")"

promtool check rules deploy/prometheus/footfall-alerts.yml
promtool test rules deploy/prometheus/footfall-alerts.test.yml
# --syntax-only: the example names files (the API token) that exist only where it is deployed.
promtool check config --syntax-only deploy/prometheus/prometheus.yml

units="$(mktemp -d /tmp/footfall-units.XXXXXX)"
trap 'rm -rf "$units"' EXIT
sed "s#/usr/local/bin/footfall#$binary#" deploy/systemd/footfall-serve.service > "$units/footfall-serve.service"
# A template is verified through an instance.
sed "s#/usr/local/bin/footfall#$binary#" deploy/systemd/footfall-worker@.service > "$units/footfall-worker@9471.service"
# systemd-analyze prints problems and still exits 0 for some of them: any output is a failure.
output="$(systemd-analyze verify "$units/footfall-serve.service" "$units/footfall-worker@9471.service" 2>&1)"
if [ -n "$output" ]; then
  echo "$output"
  echo "footfall deploy-check: systemd-analyze found problems" >&2
  exit 1
fi
echo "footfall deploy-check: rules, their tests, the scrape configuration and the systemd units are valid"
