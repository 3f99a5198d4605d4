#!/usr/bin/env bash
# Stops the single-node Slurm cluster started by scripts/slurm-up.sh (packages stay installed).
set -uo pipefail
BASE=/var/lib/bioimage-slurm
for daemon in slurmd slurmctld; do
  if [[ -s $BASE/run/$daemon.pid ]]; then kill "$(cat "$BASE/run/$daemon.pid")" 2>/dev/null; fi
done
echo "[slurm-down] stopped"
