#!/usr/bin/env bash
# Installs the edge worker on a node: publishes the NativeAOT binary to /opt/citybrain/edge (one native executable,
# no JIT: about a third of the JIT build's RSS, see bench/edge.sh), creates the citybrain user, installs the systemd
# unit, and puts an example configuration in /etc/citybrain if none exists.
#   deploy/install-edge.sh [RID]   (default linux-arm64 on aarch64, linux-x64 otherwise; NativeAOT builds for the
#   machine it runs on: build on the node itself, or on a machine of the same architecture)
# Needs the .NET 10 SDK and a C toolchain for the native link (Debian: gcc or clang).
set -euo pipefail
cd "$(dirname "$0")/.."
rid=${1:-$( [[ $(uname -m) == aarch64 ]] && echo linux-arm64 || echo linux-x64 )}
command -v gcc >/dev/null || command -v clang >/dev/null || { echo "missing a C toolchain for the NativeAOT link: apt-get install gcc" >&2; exit 2; }
dotnet publish edge/CityBrain.Edge.Service -c Release -r "$rid" -o /opt/citybrain/edge
id citybrain >/dev/null 2>&1 || useradd --system --home /var/lib/citybrain --shell /usr/sbin/nologin citybrain
install -d -o root -g citybrain -m 0750 /etc/citybrain
[[ -f /etc/citybrain/node.json ]] || install -o root -g citybrain -m 0640 deploy/edge/node.example.json /etc/citybrain/node.json
install -m 0644 deploy/systemd/citybrain-edge.service /etc/systemd/system/citybrain-edge.service
systemctl daemon-reload
echo "Edit /etc/citybrain/node.json (node id, location, broker, sensors), then: systemctl enable --now citybrain-edge"
