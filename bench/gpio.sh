#!/usr/bin/env bash
# GPIO edge path benchmark: edges raised on the fake GpioDriver go through a real GpioController callback into the
# driver's pulse counter; prints edges/s, whether every edge was counted (counted == raised), and process CPU time
# per edge. No hardware: the kernel and libgpiod are not in the figure (see drivers/CityBrain.Drivers.Gpio/README.md
# for the hardware loopback test).
# Usage: bench/gpio.sh [--edges 2000000] [--rounds 3]
set -euo pipefail
cd "$(dirname "$0")/.."

dotnet build -c Release tests/CityBrain.Benchmarks/CityBrain.Benchmarks.csproj -v quiet -nologo >/dev/null
dotnet tests/CityBrain.Benchmarks/bin/Release/net10.0/citybrain-bench.dll gpio-edges "$@"
