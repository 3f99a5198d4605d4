#!/usr/bin/env bash
# Performance regression gate: every kernel's speed, normalized by a memory copy timed in the same process,
# against the committed bench/baseline.json (tolerance and method: bench/README.md).
#   bench/gate.sh                      check; exit 1 when any kernel is slower than its baseline beyond the tolerance
#   bench/gate.sh --update-baseline    re-measure and rewrite bench/baseline.json (review and commit the change)
#   bench/gate.sh --only moments/float32,threshold/uint8    check some kernels only
#   bench/gate.sh --slow-kernel moments/float32             self-test: that kernel runs 3× per measurement and must fail
# --no-build skips the build (scripts/test.sh has just built everything).
set -euo pipefail
cd "$(dirname "$0")/.."

args=()
build=1
for arg in "$@"; do
  if [[ $arg == "--no-build" ]]; then build=0; else args+=("$arg"); fi
done

if ((build)) && ! build_log=$(dotnet build bench/BioImage.Throughput -c Release 2>&1); then
  echo "$build_log" | grep -E "error" | sort -u >&2
  exit 1
fi
exec dotnet bench/BioImage.Throughput/bin/Release/net10.0/BioImage.Throughput.dll gate --baseline bench/baseline.json "${args[@]}"
