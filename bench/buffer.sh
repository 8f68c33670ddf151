#!/usr/bin/env bash
# Buffer benchmark: builds Release and runs the `buffer` scenario. Args pass through: [readings] [batch] [dir].
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build tests/CityBrain.Benchmarks -c Release -v q --nologo >/dev/null
exec dotnet tests/CityBrain.Benchmarks/bin/Release/net10.0/citybrain-bench.dll buffer "$@"
