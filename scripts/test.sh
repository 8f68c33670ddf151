#!/usr/bin/env bash
# The test command: installs what the tests need, builds everything (warnings are errors) and runs every test
# (unit, real-server integration, interop with independent implementations, browser).
#   scripts/test.sh [extra dotnet test arguments, e.g. --filter Category!=Interop]  (Category=Hardware is always left out)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

results=artifacts/test-results
rm -rf "$results"
mkdir -p "$results"

dotnet build CityBrain.sln -c Release -nologo -clp:ErrorsOnly

# The Debian packages (NativeAOT edge for arm64 and amd64, hub for amd64), which the Packaging tests check and run:
# built here once, outside the tests' hang timeout (the arm64 cross build is the slow part).
if deploy/package/build-debs.sh --out artifacts/debs --version 0.1.0; then
  export CITYBRAIN_DEBS=$PWD/artifacts/debs
else
  echo "test.sh: deploy/package/build-debs.sh failed; the Packaging tests build again and report why"
fi

# Tests that need real hardware (a Raspberry Pi with wired inputs: [Trait("Category","Hardware")]) never run here;
# a --filter given on the command line is combined with that.
filter="Category!=Hardware"
args=()
while (($#)); do
  if [[ $1 == --filter && $# -ge 2 ]]; then filter="($2)&$filter"; shift 2; else args+=("$1"); shift; fi
done

# One test assembly at a time: the integration, interop and browser tests start real servers and measure
# rates, so they get the machine to themselves (2 cores) instead of competing with each other.
status=0
for project in tests/*/*.Tests.csproj tests/CityBrain.IntegrationTests/CityBrain.IntegrationTests.csproj; do
  [[ -f "$project" ]] || continue
  echo "== $(basename "$project" .csproj)"
  dotnet test "$project" -c Release --no-build -nologo \
    --results-directory "$results" --logger "trx;LogFilePrefix=$(basename "$project" .csproj)" --logger "console;verbosity=minimal" \
    --blame-hang-timeout 8m --filter "$filter" "${args[@]}" || status=$?
done

# One closing line for every test assembly together: "N passed, N failed, N skipped".
python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
for f in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    c = ET.parse(f).getroot().find("t:ResultSummary/t:Counters", ns)
    passed += int(c.get("passed", 0)); failed += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0))
    skipped += int(c.get("notExecuted", 0))
print(f"tests: {passed} passed, {failed} failed, {skipped} skipped")
PY
exit $status
