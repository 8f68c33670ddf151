#!/usr/bin/env bash
# Builds the node and hub packages on an x64 Debian 12 build machine, so a node needs neither the SDK nor a compiler:
#   citybrain-edge_VERSION_arm64.deb   NativeAOT, cross-compiled (clang --target=aarch64-linux-gnu, lld, Debian's
#                                      gcc-aarch64-linux-gnu + libc6-dev-arm64-cross as the target's libraries)
#   citybrain-edge_VERSION_amd64.deb   NativeAOT
#   citybrain-hub_VERSION_amd64.deb    NativeAOT
#
#   deploy/package/build-debs.sh [--out DIR] [--version X.Y.Z] [edge-arm64] [edge-amd64] [hub-amd64]
#   (no target: all three; default out: artifacts/debs; version: $CITYBRAIN_VERSION or 0.1.0)
#
# Needs: the .NET 10 SDK, clang, lld, gcc-aarch64-linux-gnu, libc6-dev-arm64-cross, dpkg-dev (scripts/install-deps.sh).
# No -p:SysRoot: Debian's cross libc.so is a linker script with absolute paths that a sysroot would prefix twice;
# clang finds the cross gcc installation by itself (docs: deploy/package/README.md).
# What a package holds and does at install: deploy/package/README.md; on the node: docs/technicians.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD

out=artifacts/debs
version=${CITYBRAIN_VERSION:-0.1.0}
targets=()
while (( $# > 0 )); do
  case "$1" in
    --out) out=$2; shift 2 ;;
    --version) version=$2; shift 2 ;;
    edge-arm64|edge-amd64|hub-amd64) targets+=("$1"); shift ;;
    *) echo "build-debs: unknown argument '$1' (targets: edge-arm64 edge-amd64 hub-amd64)" >&2; exit 64 ;;
  esac
done
(( ${#targets[@]} > 0 )) || targets=(edge-arm64 edge-amd64 hub-amd64)
[[ $version =~ ^[0-9][0-9A-Za-z.+~]*$ ]] || { echo "build-debs: '$version' is not a Debian version (digits first, then [0-9A-Za-z.+~])" >&2; exit 64; }

need() { command -v "$1" >/dev/null || { echo "build-debs: missing $1: apt-get install -y $2 (scripts/install-deps.sh installs it)" >&2; exit 69; }; }
need dotnet "the .NET 10 SDK"
need dpkg-deb dpkg
need readelf binutils
need clang clang
for t in "${targets[@]}"; do
  if [[ $t == *-arm64 ]]; then
    need ld.lld lld
    need aarch64-linux-gnu-gcc gcc-aarch64-linux-gnu
    [[ -e /usr/aarch64-linux-gnu/lib/libc.so.6 ]] || { echo "build-debs: missing the arm64 C library: apt-get install -y libc6-dev-arm64-cross" >&2; exit 69; }
  fi
done

mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$repo/artifacts/debs-work
rm -rf "$work"

# dotnet publish NativeAOT for RID into DIR. arm64 from x64: the ILCompiler's cross-build targets use clang with
# --target=aarch64-linux-gnu; lld links for the target (the host's ld.bfd cannot).
publish() {
  local project=$1 rid=$2 dir=$3
  local extra=()
  [[ $rid == linux-arm64 && $(uname -m) != aarch64 ]] && extra+=(-p:LinkerFlavor=lld)
  echo "build-debs: publishing $project for $rid"
  dotnet publish "$project" -c Release -r "$rid" -o "$dir" -nologo -clp:ErrorsOnly \
    -p:Version="$version" -p:DebugType=none -p:StripSymbols=true "${extra[@]}"
  rm -f "$dir"/*.dbg "$dir"/*.pdb
}

# The highest GLIBC_x.y symbol version the binary needs (readelf reads any architecture's ELF).
glibc_needed() {
  readelf --version-info -W "$1" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -1
}

# package NAME ARCH PUBLISH_DIR: stages the tree from deploy/package/NAME/ (maintainer scripts, control template)
# and the unit, then builds the .deb with dpkg-deb (root:root in the archive; postinst sets the citybrain group).
package() {
  local name=$1 arch=$2 bin=$3
  local component=${name#citybrain-}
  local stage=$work/${name}_$arch
  local exe=$bin/$name
  mkdir -p "$stage/DEBIAN" "$stage/opt/citybrain/$component" "$stage/lib/systemd/system" "$stage/etc/citybrain/trust" \
    "$stage/usr/bin" "$stage/usr/share/doc/$name"

  install -m 0755 "$exe" "$stage/opt/citybrain/$component/$name"
  # Native libraries NativeAOT does not link in (the edge: libSystem.IO.Ports.Native.so for serial ports / Modbus RTU).
  for lib in "$bin"/*.so; do
    [[ -e $lib ]] && install -m 0644 "$lib" "$stage/opt/citybrain/$component/"
  done
  if [[ -d $bin/templates ]]; then
    install -d -m 0755 "$stage/opt/citybrain/$component/templates"
    install -m 0644 "$bin"/templates/*.json "$stage/opt/citybrain/$component/templates/"
  fi
  ln -s "/opt/citybrain/$component/$name" "$stage/usr/bin/$name"
  install -m 0644 "deploy/systemd/$name.service" "$stage/lib/systemd/system/$name.service"
  install -m 0644 deploy/package/trust-README.md "$stage/usr/share/doc/$name/trust-README.md"
  install -m 0644 deploy/package/README.md "$stage/usr/share/doc/$name/README.md"
  # Configuration: conffiles (dpkg keeps a technician's edits at upgrade). 0640 here, root:citybrain set by postinst.
  if [[ $component == edge ]]; then
    install -m 0640 deploy/edge/node.example.json "$stage/etc/citybrain/node.json"
    install -m 0644 deploy/package/citybrain-edge/60-citybrain-edge.rules "$stage/lib/udev/rules.d/60-citybrain-edge.rules" -D
    echo /etc/citybrain/node.json > "$stage/DEBIAN/conffiles"
  else
    install -m 0640 deploy/hub.example.json "$stage/etc/citybrain/hub.json"
    # Alert rules go into hub.json's Hub:Alerts section (docs/alerts.md); the example is documentation.
    install -m 0644 hub/CityBrain.Hub.Service/alerts.example.json "$stage/usr/share/doc/$name/alerts.example.json"
    # The grid registry (docs/grid-registry.md): the example to copy to /etc/citybrain/grids.json and edit, then set
    # Hub:RegistryPath; not installed as configuration (a hub without Hub:RegistryPath runs without one).
    install -m 0644 deploy/grids.example.json "$stage/usr/share/doc/$name/grids.example.json"
    echo /etc/citybrain/hub.json > "$stage/DEBIAN/conffiles"
  fi
  chmod 0750 "$stage/etc/citybrain" "$stage/etc/citybrain/trust"

  local glibc size
  glibc=$(glibc_needed "$exe")
  size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
  sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@GLIBC@/$glibc/" -e "s/@SIZE@/$size/" \
    "deploy/package/$name/control" > "$stage/DEBIAN/control"
  for script in postinst prerm postrm; do
    [[ -f deploy/package/$name/$script ]] && install -m 0755 "deploy/package/$name/$script" "$stage/DEBIAN/$script"
  done

  local deb=$out/${name}_${version}_$arch.deb
  dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
  echo "build-debs: $deb ($(du -h "$deb" | cut -f1), needs glibc >= $glibc)"
}

for t in "${targets[@]}"; do
  start=$SECONDS
  case $t in
    edge-arm64) publish edge/CityBrain.Edge.Service linux-arm64 "$work/bin-edge-arm64"; package citybrain-edge arm64 "$work/bin-edge-arm64" ;;
    edge-amd64) publish edge/CityBrain.Edge.Service linux-x64 "$work/bin-edge-amd64"; package citybrain-edge amd64 "$work/bin-edge-amd64" ;;
    hub-amd64) publish hub/CityBrain.Hub.Service linux-x64 "$work/bin-hub-amd64"; package citybrain-hub amd64 "$work/bin-hub-amd64" ;;
  esac
  echo "build-debs: $t took $(( SECONDS - start )) s"
done
