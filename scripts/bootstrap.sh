#!/bin/sh
# Installs, idempotently, every Debian package srv6-protect needs on a fresh
# machine (run as root). Silent when everything is already present.
set -eu

PACKAGES="clang llvm libbpf-dev libc6-dev linux-libc-dev iproute2 openssh-server openssh-client nftables
bpftool sudo tcpdump python3 util-linux procps frr ansible-core ansible librsvg2-bin make iputils-ping stress-ng"

missing=""
for p in $PACKAGES; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  case "$status" in
    *"install ok installed"*) ;;
    *) missing="$missing $p" ;;
  esac
done

if [ -n "$missing" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "bootstrap: missing packages:$missing; run this script as root" >&2
    exit 1
  fi
  echo "bootstrap: installing$missing" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "bootstrap: Node.js 20 or newer is required (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

# The FRR package may start its daemons where systemd runs; the benchmark
# starts its own bfdd in lab namespaces, so the host's must not interfere.
if [ -d /run/systemd/system ] && systemctl is-active --quiet frr 2>/dev/null; then
  systemctl disable --now frr >/dev/null 2>&1 || true
fi
