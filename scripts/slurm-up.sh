#!/usr/bin/env bash
# Installs (Debian packages) and starts a single-node Slurm cluster on this machine, idempotently and without
# systemd, for the Slurm backend's tests and for trying the backend on a laptop. Needs root.
# Facts behind the settings: shared/reference/slurm-local.md. Stop it with scripts/slurm-down.sh.
#   SLURM_LOCAL_CPUS=N   advertise N CPUs (oversubscribe: run N tasks at once on a small machine; default 8)
set -euo pipefail
export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:${PATH:-}"

log() { echo "[slurm-up] $*"; }
die() { echo "[slurm-up] error: $*" >&2; exit 1; }
[[ $(id -u) -eq 0 ]] || die "must run as root (it installs packages and starts daemons)"

BASE=/var/lib/bioimage-slurm
CONF=/etc/slurm/slurm.conf
HOST=$(hostname -s)
CPUS=${SLURM_LOCAL_CPUS:-8}
[[ $CPUS =~ ^[1-9][0-9]*$ ]] || die "SLURM_LOCAL_CPUS must be a positive integer"

mkdir -p "$BASE"
exec 9>"$BASE/up.lock"
flock -w 120 9 || die "another slurm-up has held $BASE/up.lock for 2 minutes"

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  log "installing slurmctld slurmd slurm-client munge"
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  install_packages() { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 slurmctld slurmd slurm-client munge >/dev/null; }
  install_packages || { apt-get update -qq -o DPkg::Lock::Timeout=600 && install_packages; } || die "apt-get install failed"
fi

mkdir -p "$BASE/run" "$BASE/log" "$BASE/spool/ctld" "$BASE/spool/d" /etc/slurm /etc/munge
if [[ ! -s /etc/munge/munge.key ]]; then
  dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
fi
chown munge:munge /etc/munge /etc/munge/munge.key && chmod 700 /etc/munge && chmod 400 /etc/munge/munge.key
install -d -o munge -g munge -m 755 /run/munge
install -d -o munge -g munge -m 700 /var/log/munge
install -d -o munge -g munge -m 711 /var/lib/munge

MEM=$(slurmd -C | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' | head -1)
[[ -n $MEM ]] || die "cannot read RealMemory from slurmd -C"
CONFIG="ClusterName=bioimage
SlurmctldHost=$HOST(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$BASE/spool/ctld
SlurmdSpoolDir=$BASE/spool/d
SlurmctldPidFile=$BASE/run/slurmctld.pid
SlurmdPidFile=$BASE/run/slurmd.pid
SlurmctldLogFile=$BASE/log/slurmctld.log
SlurmdLogFile=$BASE/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerParameters=batch_sched_delay=0
SlurmdParameters=config_overrides
ReturnToService=2
MaxArraySize=${SLURM_MAX_ARRAY_SIZE:-1001}
MinJobAge=3600
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/filetxt
JobCompLoc=$BASE/log/jobcomp.log
KillWait=5
MailProg=/bin/true
InactiveLimit=0
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEM State=UNKNOWN
PartitionName=debug Nodes=$HOST Default=YES MaxTime=INFINITE State=UP"

alive() { [[ -s $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }
changed=0
if [[ ! -f $CONF || $(cat "$CONF") != "$CONFIG" ]]; then
  printf '%s\n' "$CONFIG" > "$CONF.tmp" && mv "$CONF.tmp" "$CONF"
  changed=1
fi

if [[ $changed -eq 0 ]] && alive "$BASE/run/slurmctld.pid" && alive "$BASE/run/slurmd.pid" && scontrol ping 2>/dev/null | grep -q UP; then
  log "already up on $HOST"
  exit 0
fi

for daemon in slurmd slurmctld; do
  if alive "$BASE/run/$daemon.pid"; then kill "$(cat "$BASE/run/$daemon.pid")" || true; sleep 1; fi
done
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  runuser -u munge -- /usr/sbin/munged --force 9>&-
fi
# The daemons must not inherit the lock (fd 9), or the next slurm-up would wait for them forever.
slurmctld 9>&-
slurmd -N "$HOST" 9>&-

for _ in $(seq 1 120); do
  state=$(sinfo -h -N -o %T 2>/dev/null | head -1 || true)
  if scontrol ping 2>/dev/null | grep -q UP && [[ $state == idle* || $state == mixed* || $state == allocated* ]]; then
    log "up: node $HOST $state, $CPUS CPUs, MaxArraySize $(scontrol show config | sed -n 's/^MaxArraySize *= *//p')"
    exit 0
  fi
  if [[ $state == down* || $state == drain* ]]; then scontrol update nodename="$HOST" state=resume 2>/dev/null || true; fi
  sleep 0.5
done
tail -n 20 "$BASE/log/slurmctld.log" "$BASE/log/slurmd.log" >&2 || true
die "the cluster did not come up within 60 s"
