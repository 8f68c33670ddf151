#!/usr/bin/env bash
# Installs the hub: publishes the NativeAOT binary to /opt/citybrain/hub (one native executable, no JIT, no framework
# files: see bench/hub.sh for its RSS against the JIT build), creates the citybrain user, installs the systemd unit,
# and puts an example configuration in /etc/citybrain if none exists.
#   deploy/install-hub.sh [RID]   (default linux-arm64 on aarch64, linux-x64 otherwise; NativeAOT builds for the
#   machine it runs on: build on the hub itself, or on a machine of the same architecture)
# Needs the .NET 10 SDK and a C toolchain for the native link (Debian: gcc or clang).
# The NativeAOT build has no influxdb-client sink (InfluxDB.Client is not trim/AOT safe): an influx-v2 sink uses
# "client": "http" (the default), which speaks the same write API; the hub refuses to start otherwise and says so.
set -euo pipefail
cd "$(dirname "$0")/.."
rid=${1:-$( [[ $(uname -m) == aarch64 ]] && echo linux-arm64 || echo linux-x64 )}
command -v gcc >/dev/null || command -v clang >/dev/null || { echo "missing a C toolchain for the NativeAOT link: apt-get install gcc" >&2; exit 2; }
dotnet publish hub/CityBrain.Hub.Service -c Release -r "$rid" -o /opt/citybrain/hub
id citybrain >/dev/null 2>&1 || useradd --system --home /var/lib/citybrain --shell /usr/sbin/nologin citybrain
install -d -o root -g citybrain -m 0750 /etc/citybrain
[[ -f /etc/citybrain/hub.json ]] || install -o root -g citybrain -m 0640 deploy/hub.example.json /etc/citybrain/hub.json
install -m 0644 deploy/systemd/citybrain-hub.service /etc/systemd/system/citybrain-hub.service
systemctl daemon-reload
echo "Edit /etc/citybrain/hub.json (broker, sinks, alerts, operators' view), then: systemctl enable --now citybrain-hub"
