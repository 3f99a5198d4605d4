#!/usr/bin/env bash
# Per-block overhead of each runner backend: `bioimage stats` over a tiny volume cut into many 1-voxel blocks,
# so the time is almost all orchestration. Prints seconds per run and microseconds per block for local threads,
# worker processes and Slurm array tasks (the latter needs scripts/slurm-up.sh, i.e. root).
#   bench/runner-overhead.sh [BLOCKS]   (default 1000; BLOCKS must be a cube: 1000, 8000, …)
set -euo pipefail
cd "$(dirname "$0")/.."
blocks=${1:-1000}
edge=$(python3 -c "import sys; n=round(int(sys.argv[1]) ** (1/3)); assert n**3 == int(sys.argv[1]), 'BLOCKS must be a cube'; print(n)" "$blocks")
dotnet build src/BioImage.Cli -c Release -v q -nologo >/dev/null
bioimage=src/BioImage.Cli/bin/Release/net10.0/bioimage
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 -c "import numpy as np, sys; np.save(sys.argv[1], np.arange($edge**3, dtype=np.float32).reshape($edge, $edge, $edge))" "$work/v.npy"

measure() { # measure LABEL ARGS... : best of 3 wall-clock runs
  local label=$1 best=""
  shift
  for _ in 1 2 3; do
    local start end
    start=$(date +%s.%N)
    "$bioimage" stats "$work/v.npy" --block-shape 1,1,1 --json "$@" >/dev/null 2>&1
    end=$(date +%s.%N)
    best=$(python3 -c "import sys; a=float(sys.argv[1]); b=sys.argv[2]; print(a if b == '' else min(a, float(b)))" "$(echo "$end - $start" | bc)" "$best")
  done
  printf '%-34s %8.3f s  %10.1f µs/block\n' "$label" "$best" "$(echo "$best * 1000000 / $blocks" | bc -l)"
}

echo "runner overhead: $blocks blocks of 1 voxel, $(nproc) cores, $(date -u +%Y-%m-%d)"
measure "local, 1 thread" --workers 1
measure "local, $(nproc) threads" --workers "$(nproc)"
measure "subprocess, 2 workers" --job-type subprocess --workers 2 --tmp-root "$work/tmp"
if command -v sbatch >/dev/null && scontrol ping 2>/dev/null | grep -q UP; then
  measure "slurm, 8 array tasks" --job-type slurm --workers 8 --tmp-root "$work/tmp"
else
  echo "slurm: no cluster is up (run scripts/slurm-up.sh as root)"
fi
