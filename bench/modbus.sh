#!/usr/bin/env bash
# Modbus benchmark: our TCP client vs libmodbus against our simulator; RTU cycle vs wire-time limit on a pty;
# a shared RTU line's poll rate with and without a unit that never answers (issue 3: within 10%).
# Usage: bench/modbus.sh [--seconds 5] [--rounds 5] [--skip-libmodbus] [--skip-rtu] [--skip-shared] [--shared-seconds 30]
# Socket continuations hop to the thread pool by default; on a busy 2-core box that hop is most of our per-request
# cost. DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 bench/modbus.sh runs them inline (a host-wide choice for the
# edge service, not something the library can set).
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v gcc >/dev/null || need_apt+=(gcc)
[ -f /usr/include/modbus/modbus.h ] || need_apt+=(libmodbus-dev)
command -v socat >/dev/null || need_apt+=(socat)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing: ${need_apt[*]}"
  apt-get install -y "${need_apt[@]}" >/dev/null || { apt-get update >/dev/null && apt-get install -y "${need_apt[@]}" >/dev/null; }
fi

dotnet build -c Release tests/CityBrain.Benchmarks/CityBrain.Benchmarks.csproj -v quiet -nologo >/dev/null
dotnet build -c Release firmware-config/CityBrain.Provisioning.Cli/CityBrain.Provisioning.Cli.csproj -v quiet -nologo >/dev/null
dotnet tests/CityBrain.Benchmarks/bin/Release/net10.0/citybrain-bench.dll modbus "$@"
