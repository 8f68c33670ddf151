#!/usr/bin/env bash
# Installs the edge worker on a node: publishes a self-contained build to /opt/citybrain/edge, creates the
# citybrain user, installs the systemd unit, and puts an example configuration in /etc/citybrain if none exists.
#   deploy/install-edge.sh [RID]   (default linux-arm64 on aarch64, linux-x64 otherwise)
set -euo pipefail
cd "$(dirname "$0")/.."
rid=${1:-$( [[ $(uname -m) == aarch64 ]] && echo linux-arm64 || echo linux-x64 )}
dotnet publish edge/CityBrain.Edge.Service -c Release -r "$rid" --self-contained -o /opt/citybrain/edge
id citybrain >/dev/null 2>&1 || useradd --system --home /var/lib/citybrain --shell /usr/sbin/nologin citybrain
install -d -o root -g citybrain -m 0750 /etc/citybrain
[[ -f /etc/citybrain/node.json ]] || install -o root -g citybrain -m 0640 deploy/edge/node.example.json /etc/citybrain/node.json
install -m 0644 deploy/systemd/citybrain-edge.service /etc/systemd/system/citybrain-edge.service
systemctl daemon-reload
echo "Edit /etc/citybrain/node.json (node id, location, broker, sensors), then: systemctl enable --now citybrain-edge"
