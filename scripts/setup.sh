#!/usr/bin/env bash
# Gets a Debian or Ubuntu machine ready for the course, then installs the
# npm packages. Safe to run again: it installs only what is missing.
#
#   bash scripts/setup.sh          what a student needs (Jupyter, tcpdump)
#   bash scripts/setup.sh --dev    also what the tests use (nbclient; scapy
#                                  and tshark, the dissector's oracles; chromium
#                                  and jupyterlab-server for the browser test;
#                                  fonts-nanum, so that its screenshots of
#                                  the Korean pages show Hangul, not boxes;
#                                  jupyterhub for the class test)
#   bash scripts/setup.sh --class  also what a class server needs (JupyterHub,
#                                  for npm run class)
#   bash scripts/setup.sh --bench  also the benchmarks' peers (iperf2, Mininet)
set -euo pipefail
cd "$(dirname "$0")/.."

course_pkgs=(jupyter-notebook python3-jupyterlab-server python3-jupyter-server python3-terminado tcpdump iproute2 util-linux procps python3 smcroute nftables)
class_pkgs=(jupyterhub)
dev_pkgs=(python3-nbclient python3-nbconvert python3-scapy tshark chromium fonts-nanum python3-jupyterlab-server python3-jupyter-server "${class_pkgs[@]}")
bench_pkgs=(iperf mininet bridge-utils)

pkgs=("${course_pkgs[@]}")
case "${1:-}" in
  --dev) pkgs+=("${dev_pkgs[@]}") ;;
  --class) pkgs+=("${class_pkgs[@]}") ;;
  --bench) pkgs+=("${dev_pkgs[@]}" "${bench_pkgs[@]}") ;;
  "") ;;
  *) echo "usage: bash scripts/setup.sh [--dev | --class | --bench]" >&2; exit 2 ;;
esac

# Node first: Observable Plot is ESM-only, loaded with require(esm), which
# Node has from 20.19 on. Debian 12's own nodejs is 18, too old.
if ! command -v node >/dev/null; then
  echo "setup: Node.js >= 20.19 is needed (https://nodejs.org, or your system's nodejs 20/22 packages)" >&2
  exit 1
fi
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'; then
  echo "setup: Node.js $(node --version) is too old; the course needs >= 20.19" >&2
  exit 1
fi

missing=()
if command -v dpkg-query >/dev/null; then
  for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
else
  echo "setup: not a Debian-like system; install by hand: ${pkgs[*]}" >&2
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=()
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null; then sudo=(sudo); else
      echo "setup: run as root, or install: apt-get install ${missing[*]}" >&2; exit 1
    fi
  fi
  "${sudo[@]}" apt-get update -qq
  # tshark asks whether non-root users may capture; the default answer is fine.
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  # Debian's jupyterhub package enables a hub of its own (systemd, port 8000,
  # every account may log in); the course's hub is npm run class, so that one is stopped and disabled.
  if [[ " ${missing[*]} " == *" jupyterhub "* ]] && [ -d /run/systemd/system ]; then
    "${sudo[@]}" systemctl disable --now jupyterhub.service >/dev/null 2>&1 || true
  fi
  # Likewise smcroute's own daemon, which would route multicast on this
  # machine's real interfaces; the lab runs one per router, inside the lab.
  if [[ " ${missing[*]} " == *" smcroute "* ]] && [ -d /run/systemd/system ]; then
    "${sudo[@]}" systemctl disable --now smcroute.service >/dev/null 2>&1 || true
  fi
fi

# npm ci only when package-lock.json changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
echo "setup: ready"
