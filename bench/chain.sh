#!/usr/bin/env bash
# Whole-chain benchmark (issue 16): Modbus TCP simulator (own process, counts the requests it answers) -> citybrain-edge
# (disk buffer, group commit, deployed publish defaults) -> Mosquitto -> citybrain-hub -> VictoriaMetrics, at
# 8 x 10 units and 8 x 20 units every 10 ms and 4 x 5 units every 100 ms (FC03 of 26 registers = 20 readings per poll).
# Prints per workload: polls offered / made / stored, loss, latency poll -> database write acknowledged (p50/p95/p99/max),
# the per-hop budget, CPU and peak RSS of every process.
# Installs nothing: checks the server binaries, builds Release, publishes citybrain-edge and citybrain-hub NativeAOT as
# deployed (deploy/install-*.sh), runs `citybrain-bench chain --edge ... --hub ...` (args passed through, e.g.
# --seconds 20 --warmup 5 --only 8x10|8x20|4x5). Edge and hub get the Environment= settings of their systemd units;
# a DOTNET_ variable of the same name in the shell overrides one for both ("unset" removes it).
# EDGE_BUILD=jit / HUB_BUILD=jit run the JIT builds (dotnet build output) instead.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=0
for b in /usr/sbin/mosquitto /usr/bin/victoria-metrics; do
  if [[ ! -x "$b" ]]; then echo "missing $b (Debian packages: mosquitto victoria-metrics)" >&2; missing=1; fi
done
command -v dotnet >/dev/null || { echo "missing dotnet (.NET 10 SDK)" >&2; missing=1; }
command -v gcc >/dev/null || command -v clang >/dev/null || { echo "missing a C toolchain for NativeAOT linking (Debian package: gcc or clang)" >&2; missing=1; }
[[ $missing -eq 0 ]] || exit 2
dotnet build -c Release tests/CityBrain.Benchmarks -v quiet -nologo
rid=$( [[ $(uname -m) == aarch64 ]] && echo linux-arm64 || echo linux-x64 )
services=()
if [[ ${EDGE_BUILD:-aot} != jit ]]; then
  out=edge/CityBrain.Edge.Service/bin/Release/native-$rid
  dotnet publish edge/CityBrain.Edge.Service -c Release -r "$rid" -o "$out" -v quiet -nologo
  services+=(--edge "$out/citybrain-edge")
fi
if [[ ${HUB_BUILD:-aot} != jit ]]; then
  out=hub/CityBrain.Hub.Service/bin/Release/native-$rid
  dotnet publish hub/CityBrain.Hub.Service -c Release -r "$rid" -o "$out" -v quiet -nologo
  services+=(--hub "$out/citybrain-hub")
fi
exec dotnet tests/CityBrain.Benchmarks/bin/Release/net10.0/citybrain-bench.dll chain "${services[@]}" "$@"
