#!/usr/bin/env bash
# Commissioning, timed, on loopback: how long a technician's bring-up takes with the `citybrain` command
# (init → validate → simulated Modbus device read → node started → first reading at the broker), and the
# push-to-applied latency of a signed configuration. Prints its figures; not a test. Needs mosquitto.
#   bench/commissioning.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
dotnet build firmware-config/CityBrain.Provisioning.Cli -c Release -v q --nologo >/dev/null
dotnet build edge/CityBrain.Edge.Service -c Release -v q --nologo >/dev/null
CLI="dotnet $ROOT/firmware-config/CityBrain.Provisioning.Cli/bin/Release/net10.0/citybrain.dll"
EDGE="$ROOT/edge/CityBrain.Edge.Service/bin/Release/net10.0/citybrain-edge"

WORK=$(mktemp -d /tmp/citybrain-commissioning.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }
ms() { python3 -c "print(round(($2 - $1) * 1000))"; }

BROKER=$(free_port); MODBUS=$(free_port)
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$BROKER" > "$WORK/mosquitto.conf"
/usr/sbin/mosquitto -c "$WORK/mosquitto.conf" >"$WORK/mosquitto.log" 2>&1 & PIDS+=($!)
$CLI simulate modbus --template air-quality-pm2510 --tcp "127.0.0.1:$MODBUS" >"$WORK/simulator.log" 2>&1 & PIDS+=($!)
for _ in $(seq 100); do grep -q Listening "$WORK/simulator.log" 2>/dev/null && break; sleep 0.1; done
mkdir -p "$WORK/trust"

T0=$(now)
$CLI init -o "$WORK/node.json" --node n-bench-01 --city metropolis --district harbour --street quay-road --grid g-0417 \
  --broker "127.0.0.1:$BROKER" --buffer-path "$WORK/buffer" --bus "plc-1=modbus-tcp:127.0.0.1:$MODBUS" \
  --sensor "air-1=air-quality-pm2510@plc-1/1:1000" >/dev/null
T_INIT=$(now)
$CLI validate "$WORK/node.json" >/dev/null
T_VALIDATE=$(now)
$CLI read --config "$WORK/node.json" --sensor air-1 >/dev/null
T_READ=$(now)
mosquitto_sub -h 127.0.0.1 -p "$BROKER" -t 'citybrain/v1/+/+/n-bench-01/telemetry' -C 1 -W 120 >"$WORK/first.json" & SUB=$!
"$EDGE" --config "$WORK/node.json" --trust "$WORK/trust" --apply-window 30 >"$WORK/edge.log" 2>&1 & PIDS+=($!)
wait "$SUB"
T_FIRST=$(now)

$CLI keys new --dir "$WORK/keys" --name bench >/dev/null
cp "$WORK/keys/bench.pub.pem" "$WORK/trust/bench.pem"
sed 's/"revision": 1/"revision": 2/; s/"intervalMs": 1000/"intervalMs": 2000/' "$WORK/node.json" > "$WORK/rev2.json"
# The node reads its trust directory at start: restart it so it trusts the new key (a real node has it installed).
kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true; unset 'PIDS[-1]'
"$EDGE" --config "$WORK/node.json" --trust "$WORK/trust" --apply-window 30 >>"$WORK/edge.log" 2>&1 & PIDS+=($!)
mosquitto_sub -h 127.0.0.1 -p "$BROKER" -t 'citybrain/v1/+/+/n-bench-01/status' -C 2 -W 60 >/dev/null || true
T_PUSH=$(now)
$CLI push "$WORK/rev2.json" --key "$WORK/keys/bench.key.pem" --broker "127.0.0.1:$BROKER" --no-tls --timeout 60 >"$WORK/push.txt" || { cat "$WORK/push.txt"; tail -20 "$WORK/edge.log"; exit 1; }
T_APPLIED=$(now)

echo "commissioning on loopback (Release, JIT; every step a fresh 'citybrain' process):"
echo "  init                         $(ms "$T0" "$T_INIT") ms"
echo "  validate                     $(ms "$T_INIT" "$T_VALIDATE") ms"
echo "  read one sensor              $(ms "$T_VALIDATE" "$T_READ") ms"
echo "  node start to first reading  $(ms "$T_READ" "$T_FIRST") ms"
echo "  init to first reading        $(ms "$T0" "$T_FIRST") ms"
echo "  push to applied              $(ms "$T_PUSH" "$T_APPLIED") ms   ($(cat "$WORK/push.txt" | tail -1))"
