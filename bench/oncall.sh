#!/usr/bin/env bash
# On-call read benchmark: Mosquitto -> citybrain-hub (view endpoint, hub credentials) -> citybrain-edge (a simulated
# environment sensor polled every 5 s) -> answer, all separate processes on loopback, with VictoriaMetrics as the hub's
# sink. Sends N read-now requests (default 100; `bench/oncall.sh 300`) one after another, paced under the node's rate
# limit, through POST /api/nodes/{node}/sensors/{sensor}/read, and prints the latency from request to answer as the
# operator sees it (curl's total time: HTTP + hub -> broker -> edge poll -> broker -> hub). Target: p99 under 1 s.
# ONCALL_BUILD=Debug uses the Debug build (dotnet build output) instead of building Release.
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-100}
config=${ONCALL_BUILD:-Release}
missing=0
for b in /usr/sbin/mosquitto /usr/bin/victoria-metrics /usr/bin/curl /usr/bin/python3; do
  if [[ ! -x "$b" ]]; then echo "missing $b (Debian packages: mosquitto victoria-metrics curl python3)" >&2; missing=1; fi
done
command -v dotnet >/dev/null || { echo "missing dotnet (.NET 10 SDK)" >&2; missing=1; }
[[ $missing -eq 0 ]] || exit 2
if [[ $config == Release ]]; then
  dotnet build -c Release edge/CityBrain.Edge.Service -v quiet -nologo
  dotnet build -c Release hub/CityBrain.Hub.Service -v quiet -nologo
fi
edge=edge/CityBrain.Edge.Service/bin/$config/net10.0/citybrain-edge
hub=hub/CityBrain.Hub.Service/bin/$config/net10.0/citybrain-hub
[[ -x $edge && -x $hub ]] || { echo "build edge/CityBrain.Edge.Service and hub/CityBrain.Hub.Service ($config) first" >&2; exit 2; }

dir=$(mktemp -d /tmp/citybrain-oncall.XXXXXX)
pids=()
cleanup() {
  for ((i=${#pids[@]}-1; i>=0; i--)); do kill "${pids[i]}" 2>/dev/null || true; wait "${pids[i]}" 2>/dev/null || true; done
  rm -rf "$dir"
}
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
mqtt=$(port); vm=$(port); http=$(port)
token=bench-read-now-token-0123456789
node=n-bench-01

printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$mqtt" > "$dir/mosquitto.conf"
/usr/sbin/mosquitto -c "$dir/mosquitto.conf" > "$dir/mosquitto.log" 2>&1 & pids+=($!)
/usr/bin/victoria-metrics -httpListenAddr=127.0.0.1:$vm -storageDataPath="$dir/vm" -retentionPeriod=1 -loggerLevel=WARN > "$dir/vm.log" 2>&1 & pids+=($!)
cat > "$dir/hub.json" <<JSON
{ "Hub": { "InstanceName": "bench", "HttpPort": $http,
    "Mqtt": { "Host": "127.0.0.1", "Port": $mqtt, "ClientId": "citybrain-hub-bench", "PersistentSession": false },
    "Sinks": [ { "kind": "influx-v2", "url": "http://127.0.0.1:$vm", "org": "city", "bucket": "citybrain", "token": "unused" } ],
    "OperatorView": { "Tokens": [ { "Name": "bench", "Token": "$token", "ReadNow": true } ] } },
  "Logging": { "LogLevel": { "Default": "Warning" } } }
JSON
cat > "$dir/node.json" <<JSON
{ "version": 1,
  "node": { "id": "$node", "location": { "city": "metropolis", "district": "harbour", "street": "quay-road", "grid": "g-0417" } },
  "mqtt": { "host": "127.0.0.1", "port": $mqtt, "reconnectMinSeconds": 0.2, "reconnectMaxSeconds": 1 },
  "buffer": { "kind": "memory", "path": "$dir/buffer", "maxMegabytes": 64 },
  "onCall": { "ratePerMinute": 600, "burst": 60 },
  "sensors": [ { "id": "env-01", "driver": "simulated", "kind": "environment", "intervalMs": 5000, "seed": 7 } ] }
JSON
sleep 0.5
"$hub" --config "$dir/hub.json" > "$dir/hub.log" 2>&1 & pids+=($!)
"$edge" --config "$dir/node.json" > "$dir/edge.log" 2>&1 & pids+=($!)

for _ in $(seq 1 300); do
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "http://127.0.0.1:$http/api/nodes/$node" || true)
  [[ $code == 200 ]] && break
  sleep 0.1
done
[[ $code == 200 ]] || { echo "the hub never saw $node (last HTTP $code)"; tail -20 "$dir/hub.log" "$dir/edge.log"; exit 1; }

echo "on-call read: $requests requests to $node/env-01 (polled every 5 s), $config build"
for ((i=0; i<requests; i++)); do
  curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -X POST --max-time 15 \
    -H "Authorization: Bearer $token" -H 'X-CityBrain-Request: read' \
    "http://127.0.0.1:$http/api/nodes/$node/sensors/env-01/read" >> "$dir/latency.txt" || echo "000 15" >> "$dir/latency.txt"
  sleep 0.12 # under the node's 600 per minute
done
python3 - "$dir/latency.txt" <<'PY'
import sys
rows = [line.split() for line in open(sys.argv[1]) if line.strip()]
ok = sorted(float(t) * 1000 for code, t in rows if code == "200")
failed = len(rows) - len(ok)
if not ok:
    print(f"no answered request ({failed} failed)"); sys.exit(1)
def pct(p): return ok[min(len(ok) - 1, int(round(p / 100 * len(ok) + 0.5)) - 1)]
print(f"answered {len(ok)}/{len(rows)}  p50 {pct(50):.1f} ms  p90 {pct(90):.1f} ms  p99 {pct(99):.1f} ms  max {ok[-1]:.1f} ms")
print("p99 target < 1000 ms:", "met" if pct(99) < 1000 and failed == 0 else "NOT met")
PY
