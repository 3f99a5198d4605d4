#!/usr/bin/env bash
# Peer comparison: ours against numpy / scipy / scikit-image on the same deterministic data, in one run.
#   bench/compare.sh [OPS...] [--shape Z,Y,X] [--dtypes float32,uint8] [--samples N] [--warmup-ms MS] [--bandwidth-mib MIB]
# Installs the Debian packages the peers need, builds the harness, then runs bench/compare.py (see its docstring):
# prints the machine, the memory bandwidth and a markdown table; exits 1 when any output disagrees with its peer.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the peers of bench/peers.py import; add the package of each new peer here.
PEER_PACKAGES=(python3-numpy python3-scipy python3-skimage python3-vigra python3-zarr python3-numcodecs)

scripts/install-deps.sh "${PEER_PACKAGES[@]}"
if ! build_log=$(dotnet build bench/BioImage.Throughput -c Release 2>&1); then
  echo "$build_log" | grep -E "error" | sort -u >&2
  exit 1
fi
exec /usr/bin/python3 bench/compare.py "$@"
