#!/usr/bin/env bash
# Edge node benchmark: simulated / Modbus TCP sensors -> citybrain-edge (separate Release process, disk buffer) -> Mosquitto.
# Installs nothing: checks mosquitto, builds Release, runs `citybrain-bench edge` (args passed through,
# e.g. --seconds 15 --only throughput|latency|modbus). DOTNET_GCgen0size defaults to 0x400000 as in
# deploy/systemd/citybrain-edge.service; set DOTNET_GCgen0size=unset to measure without it.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=0
[[ -x /usr/sbin/mosquitto ]] || { echo "missing /usr/sbin/mosquitto (Debian package: mosquitto)" >&2; missing=1; }
command -v dotnet >/dev/null || { echo "missing dotnet (.NET 10 SDK)" >&2; missing=1; }
[[ $missing -eq 0 ]] || exit 2
dotnet build -c Release tests/CityBrain.Benchmarks -v quiet -nologo
exec dotnet tests/CityBrain.Benchmarks/bin/Release/net10.0/citybrain-bench.dll edge "$@"
