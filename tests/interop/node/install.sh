#!/usr/bin/env bash
# Installs zarrita (the Zarr v3 oracle of the interop tests) into ./node_modules from the committed lock file.
# Idempotent and fast when already installed; never installs globally.
set -euo pipefail
cd "$(dirname "$0")"
if [[ -f node_modules/zarrita/package.json && -f node_modules/@zarrita/storage/package.json ]] \
   && grep -q '"version": "0.7.5"' node_modules/zarrita/package.json; then
  exit 0
fi
if ! command -v npm >/dev/null; then
  echo "install.sh: npm is missing; install Debian's nodejs/npm first" >&2
  exit 1
fi
npm ci --no-audit --no-fund --loglevel=error
