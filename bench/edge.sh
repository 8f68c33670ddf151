#!/usr/bin/env bash
# Edge node benchmark: simulated / Modbus TCP sensors -> citybrain-edge (separate Release process, disk buffer) -> Mosquitto.
# Installs nothing: checks mosquitto, builds Release, publishes citybrain-edge NativeAOT as deployed
# (deploy/install-edge.sh), runs `citybrain-bench edge --edge <that binary>` (args passed through,
# e.g. --seconds 15 --only throughput|latency|modbus). The DOTNET_ settings default to those of
# deploy/systemd/citybrain-edge.service (e.g. DOTNET_GCHeapHardLimit=4000000); set one to "unset" to measure without it.
# EDGE_BUILD=jit runs the JIT build (dotnet build output) instead of the NativeAOT one.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=0
[[ -x /usr/sbin/mosquitto ]] || { echo "missing /usr/sbin/mosquitto (Debian package: mosquitto)" >&2; missing=1; }
command -v dotnet >/dev/null || { echo "missing dotnet (.NET 10 SDK)" >&2; missing=1; }
command -v gcc >/dev/null || command -v clang >/dev/null || { echo "missing a C toolchain for NativeAOT linking (Debian package: gcc or clang)" >&2; missing=1; }
[[ $missing -eq 0 ]] || exit 2
dotnet build -c Release tests/CityBrain.Benchmarks -v quiet -nologo
edge=()
if [[ ${EDGE_BUILD:-aot} != jit ]]; then
  rid=$( [[ $(uname -m) == aarch64 ]] && echo linux-arm64 || echo linux-x64 )
  out=edge/CityBrain.Edge.Service/bin/Release/native-$rid
  dotnet publish edge/CityBrain.Edge.Service -c Release -r "$rid" -o "$out" -v quiet -nologo
  edge=(--edge "$out/citybrain-edge")
fi
exec dotnet tests/CityBrain.Benchmarks/bin/Release/net10.0/citybrain-bench.dll edge "${edge[@]}" "$@"
