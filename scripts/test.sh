#!/usr/bin/env bash
# The README's test command: on a fresh Debian (bookworm) machine with Node 20, install and start what
# the tests need, then run them. Safe to run again: what is there already is left as it is.
# Needs root (or passwordless sudo) for apt and the services.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
# onnxruntime-node's install script would download CUDA binaries; the bundled CPU ones are used.
export ONNXRUNTIME_NODE_INSTALL=skip
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# Debian packages the tests use: chromium + nbconvert print the PDF fixtures, numpy checks the RNG
# port against the real thing, torch/torchvision/onnx run the re-run runner on the CPU, poppler is
# the PDF-reading baseline, qpdf makes the encrypted-PDF fixture; postgresql and redis-server only
# where the machine does not run them already.
packages=(chromium jupyter-nbconvert python3-numpy python3-torch python3-torchvision python3-onnx poppler-utils qpdf)
command -v pg_isready >/dev/null 2>&1 || packages+=(postgresql)
command -v redis-server >/dev/null 2>&1 || packages+=(redis-server redis-tools)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing: ${missing[*]}"
  as_root apt-get update -q
  as_root apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Postgres on 127.0.0.1:5432 with trust auth for local connections (the tests create and drop
# their own databases as the postgres user), started if it is down.
if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  cluster="$(ls /etc/postgresql | head -n 1)"
  hba="/etc/postgresql/$cluster/main/pg_hba.conf"
  if ! as_root grep -q '^host all all 127.0.0.1/32 trust' "$hba"; then
    as_root sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
  fi
  as_root pg_ctlcluster --skip-systemctl-redirect "$cluster" main start
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
# Redis on 127.0.0.1:6379, in memory only, started if it is down.
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  as_root mkdir -p /var/lib/redis /var/log/redis
  as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
fi

npm ci --no-audit --no-fund
npm test
