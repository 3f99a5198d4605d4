#!/usr/bin/env bash
# End-to-end pipeline benchmark (issue #21): every verb through the CLI (a fresh `bioimage` process each run) beside the
# whole-volume and the block-wise Python pipelines and the verb's I/O floor (`bioimage copy`), on Zarr v2 inputs, in one run.
#   bench/pipeline.sh [--verbs copy,label,...] [--codecs raw,blosc-lz4,zstd-1] [--shape 512,512,512] [--workers 2]
#                     [--block-shape 128,128,128] [--chunks 64,64,64] [--samples 3] [--json-out FILE] [--workdir DIR]
# Installs the Debian packages the Python pipelines need, builds the CLI (Release), then runs bench/pipeline.py (see its
# docstring): prints a markdown table; exits 1, naming the verb, when an output disagrees with the Python pipeline.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh python3-numpy python3-scipy python3-skimage python3-zarr python3-numcodecs
if ! build_log=$(dotnet build src/BioImage.Cli -c Release 2>&1); then
  echo "$build_log" | grep -E "error" | sort -u >&2
  exit 1
fi
exec /usr/bin/python3 bench/pipeline.py "$@"
