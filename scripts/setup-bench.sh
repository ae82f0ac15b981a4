#!/usr/bin/env bash
# Give this machine what `npm run bench` compares shoal with, from Debian's packages: etcd (Raft),
# Serf (failure detection), wrk (the proxy's load generator), and the Docker engine with its
# single-node Swarm (deployment time, through setup-docker.sh). Idempotent; run as root.
# A peer that is missing is reported as skipped by the benchmarks, never invented.
set -euo pipefail
cd "$(dirname "$0")/.."

[ "$(id -u)" = "0" ] || { echo "setup-bench: must run as root (try: sudo bash $0)" >&2; exit 1; }

missing=()
command -v etcd >/dev/null 2>&1 || missing+=(etcd-server)
command -v serf >/dev/null 2>&1 || missing+=(serf)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup-bench: installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  # Debian starts etcd as a service on the default ports; the benchmark runs its own members.
  if command -v systemctl >/dev/null 2>&1; then systemctl stop etcd >/dev/null 2>&1 || true; fi
  pkill -x etcd >/dev/null 2>&1 || true
else
  echo "setup-bench: etcd, serf and wrk present"
fi
bash scripts/setup-docker.sh
