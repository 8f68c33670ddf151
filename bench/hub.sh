#!/usr/bin/env bash
# Hub ingest benchmark: Mosquitto -> citybrain-hub (separate process) -> VictoriaMetrics / InfluxDB 1.x.
# Installs nothing: checks the server binaries, builds Release, runs `citybrain-bench hub` (args passed through,
# e.g. --seconds 15 --clients 6 --nodes 500 --only vm).
set -euo pipefail
cd "$(dirname "$0")/.."
missing=0
for b in /usr/sbin/mosquitto /usr/bin/victoria-metrics /usr/bin/influxd; do
  if [[ ! -x "$b" ]]; then echo "missing $b (Debian packages: mosquitto victoria-metrics influxdb)" >&2; missing=1; fi
done
command -v dotnet >/dev/null || { echo "missing dotnet (.NET 10 SDK)" >&2; missing=1; }
[[ $missing -eq 0 ]] || exit 2
dotnet build -c Release tests/CityBrain.Benchmarks -v quiet -nologo
exec dotnet tests/CityBrain.Benchmarks/bin/Release/net10.0/citybrain-bench.dll hub "$@"
