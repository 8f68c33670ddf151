#!/usr/bin/env bash
# Hub ingest benchmark: Mosquitto -> citybrain-hub (separate process) -> VictoriaMetrics / InfluxDB 1.x.
# Installs nothing: checks the server binaries, builds Release, publishes citybrain-hub NativeAOT as deployed
# (deploy/install-hub.sh), runs `citybrain-bench hub --hub <that binary>` (args passed through, e.g. --seconds 15
# --clients 6 --nodes 500 --only vm --readings 100). The DOTNET_ settings default to those of
# deploy/systemd/citybrain-hub.service; set one to "unset" to measure without it. CITYBRAIN_BENCH_HUB_ENV="DOTNET_X=1
# DOTNET_Y=2" adds or overrides settings for the hub process only. The memory lines print the hub's GC counts per
# generation (/metrics), to check that a GC setting is honoured.
# HUB_BUILD=jit runs the JIT build (dotnet build output) instead of the NativeAOT one.
# The cost of the city's layers, beside the plain run (same other arguments):
#   --quantities catalogue   catalogued quantities in their units (the plain run's q1_bench is flagged unknown_quantity)
#   --domain-sinks all       + one department sink per catalogue domain (or --domain-sinks traffic,sanitation);
#                            implies --quantities catalogue, so compare it with that run (docs/grid-registry.md)
#   --steps 1                one rate step in phase 3 instead of up to 10 (a quick check that the options work)
# --only vm-both runs the VictoriaMetrics scenarios through the shipped `http` influx-v2 client and then through
# InfluxDB.Client (`influxdb-client`), --only vm-client the latter alone; InfluxDB.Client is not in the NativeAOT
# build (docs/influxdb-schema.md, "The two influx-v2 clients"), so these run the JIT build, both clients alike.
set -euo pipefail
cd "$(dirname "$0")/.."
for a in "$@"; do
  if [[ $a == vm-client || $a == vm-both ]]; then
    [[ ${HUB_BUILD:-aot} == jit ]] || echo "--only $a: InfluxDB.Client is JIT only; running the JIT build (HUB_BUILD=jit)" >&2
    export HUB_BUILD=jit
  fi
done
missing=0
for b in /usr/sbin/mosquitto /usr/bin/victoria-metrics /usr/bin/influxd; do
  if [[ ! -x "$b" ]]; then echo "missing $b (Debian packages: mosquitto victoria-metrics influxdb)" >&2; missing=1; fi
done
command -v dotnet >/dev/null || { echo "missing dotnet (.NET 10 SDK)" >&2; missing=1; }
if [[ ${HUB_BUILD:-aot} != jit ]]; then
  command -v gcc >/dev/null || command -v clang >/dev/null || { echo "missing a C toolchain for NativeAOT linking (Debian package: gcc or clang)" >&2; missing=1; }
fi
[[ $missing -eq 0 ]] || exit 2
dotnet build -c Release tests/CityBrain.Benchmarks -v quiet -nologo
hub=()
if [[ ${HUB_BUILD:-aot} != jit ]]; then
  rid=$( [[ $(uname -m) == aarch64 ]] && echo linux-arm64 || echo linux-x64 )
  out=hub/CityBrain.Hub.Service/bin/Release/native-$rid
  dotnet publish hub/CityBrain.Hub.Service -c Release -r "$rid" -o "$out" -v quiet -nologo
  hub=(--hub "$out/citybrain-hub")
fi
exec dotnet tests/CityBrain.Benchmarks/bin/Release/net10.0/citybrain-bench.dll hub "${hub[@]}" "$@"
