#!/usr/bin/env bash
# The demo: the whole data path on one machine, end to end.
#   InfluxDB 1.x (Debian package, installed if missing) on 127.0.0.1:8086
#   the hub with its embedded MQTT broker on 127.0.0.1:1883, writing to InfluxDB
#   one edge node with simulated traffic, bin, environment and flood sensors (and a Modbus weather station
#   served by the device simulator), buffering on disk and publishing to the hub
# Runs until Ctrl-C (or for --duration SECONDS), then stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

duration=0
if [[ "${1:-}" == "--duration" ]]; then duration=${2:?--duration needs seconds}; fi

work=${CITYBRAIN_DEMO_DIR:-/tmp/citybrain-demo}
influx_port=8086
mqtt_port=1883
view_port=9180
mkdir -p "$work"
pids=()
cleanup() {
  echo
  echo "demo: stopping (${pids[*]:-nothing})"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT INT TERM

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_for() { # what, seconds, command...
  local what=$1 secs=$2; shift 2
  for _ in $(seq $((secs * 10))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "demo: $what did not come up within ${secs}s; logs are in $work" >&2; exit 1
}

echo "demo: installing what is missing (InfluxDB 1.x, mosquitto-clients)"
scripts/install-deps.sh --demo

echo "demo: building (Release)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build edge/CityBrain.Edge.Service -c Release -nologo -clp:ErrorsOnly -o "$work/bin/edge" >/dev/null
dotnet build hub/CityBrain.Hub.Service -c Release -nologo -clp:ErrorsOnly -o "$work/bin/hub" >/dev/null
dotnet build firmware-config/CityBrain.Provisioning.Cli -c Release -nologo -clp:ErrorsOnly -o "$work/bin/cli" >/dev/null

# 1. InfluxDB 1.x on loopback, data under $work
if curl -sf "http://127.0.0.1:$influx_port/ping" >/dev/null 2>&1; then
  echo "demo: an InfluxDB already answers on 127.0.0.1:$influx_port; using it"
else
  cat > "$work/influxdb.conf" <<CONF
reporting-disabled = true
bind-address = "127.0.0.1:8089"
[meta]
  dir = "$work/influxdb/meta"
[data]
  dir = "$work/influxdb/data"
  wal-dir = "$work/influxdb/wal"
  query-log-enabled = false
[http]
  bind-address = "127.0.0.1:$influx_port"
  log-enabled = false
[monitor]
  store-enabled = false
CONF
  influxd -config "$work/influxdb.conf" >"$work/influxdb.log" 2>&1 &
  pids+=($!)
  wait_for "InfluxDB" 30 curl -sf "http://127.0.0.1:$influx_port/ping"
  echo "demo: InfluxDB 1.x running on 127.0.0.1:$influx_port (pid ${pids[-1]})"
fi
curl -sf -XPOST "http://127.0.0.1:$influx_port/query" --data-urlencode 'q=CREATE DATABASE citybrain' >/dev/null

started=$(date -u +%Y-%m-%dT%H:%M:%SZ)

# 2. The hub with its embedded broker
if port_busy $mqtt_port; then
  echo "demo: port $mqtt_port is taken (a mosquitto service?). Stop it (systemctl stop mosquitto) and run the demo again." >&2
  exit 1
fi
(cd "$work" && exec "$work/bin/hub/citybrain-hub" --config "$root/deploy/hub.demo.json") >"$work/hub.log" 2>&1 &
pids+=($!)
wait_for "the hub's embedded broker" 30 bash -c "exec 3<>/dev/tcp/127.0.0.1/$mqtt_port"
echo "demo: hub running with its embedded MQTT broker on 127.0.0.1:$mqtt_port (pid ${pids[-1]}); operators' view http://127.0.0.1:$view_port/"

# 3. A Modbus TCP weather station, served by the device simulator from its template
if port_busy 5020; then echo "demo: port 5020 is taken; free it and run the demo again" >&2; exit 1; fi
"$work/bin/cli/citybrain" simulate modbus --template weather-station-ws100 --templates-dir "$root/firmware-config/templates" --tcp 127.0.0.1:5020 >"$work/modbus-sim.log" 2>&1 &
pids+=($!)
wait_for "the Modbus simulator" 20 bash -c "exec 3<>/dev/tcp/127.0.0.1/5020"
echo "demo: Modbus TCP weather station simulated on 127.0.0.1:5020 (pid ${pids[-1]})"

# 4. One edge node with simulated sensors and the Modbus station
(cd "$work" && exec "$work/bin/edge/citybrain-edge" --config "$root/deploy/edge/node.demo.json") >"$work/edge.log" 2>&1 &
pids+=($!)
echo "demo: edge node n-harbour-01 running (pid ${pids[-1]}); its disk buffer is $work/buffer"

# 5. Points of this run arriving in InfluxDB
count() {
  curl -sf "http://127.0.0.1:$influx_port/query?db=citybrain" --data-urlencode "q=SELECT count(\"value\") FROM \"vehicle_count\" WHERE time >= '$started'" |
    python3 -c 'import json,sys; r=json.load(sys.stdin)["results"][0]; print(r["series"][0]["values"][0][1] if "series" in r else 0)'
}
for _ in $(seq 60); do
  n=$(count 2>/dev/null || echo 0)
  [[ "$n" -gt 0 ]] && break
  sleep 1
done
if [[ "${n:-0}" -eq 0 ]]; then
  echo "demo: no points reached InfluxDB within a minute; see $work/hub.log and $work/edge.log" >&2
  exit 1
fi
echo
echo "demo: data is arriving. Latest traffic counts in InfluxDB:"
influx -host 127.0.0.1 -port $influx_port -database citybrain -precision rfc3339 \
  -execute "SELECT \"value\",\"quality\"::tag,\"seq\",\"sensor\",\"grid\" FROM \"vehicle_count\" WHERE time >= '$started' ORDER BY time DESC LIMIT 5" || true
cat <<HOW

See it yourself:
  influx -host 127.0.0.1 -port $influx_port -database citybrain -execute 'SHOW MEASUREMENTS'
  influx -host 127.0.0.1 -port $influx_port -database citybrain -precision rfc3339 -execute 'SELECT * FROM "pm2_5" ORDER BY time DESC LIMIT 10'
  mosquitto_sub -h 127.0.0.1 -p $mqtt_port -t 'citybrain/v1/#' -v        # telemetry, status, health, alerts
  curl -s http://127.0.0.1:$view_port/api/nodes                            # the operators' JSON API
  open http://127.0.0.1:$view_port/ in a browser                          # the operators' live view
  influx -host 127.0.0.1 -port $influx_port -database citybrain -execute 'SELECT * FROM "air_temperature" WHERE "sensor"='"'"'weather-1'"'"' ORDER BY time DESC LIMIT 5'
Logs: $work/hub.log, $work/edge.log, $work/modbus-sim.log, $work/influxdb.log
HOW

if [[ "$duration" -gt 0 ]]; then
  echo "demo: running for ${duration}s"
  sleep "$duration"
else
  echo "demo: running; Ctrl-C stops everything"
  wait
fi
