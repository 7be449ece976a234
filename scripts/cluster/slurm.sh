#!/usr/bin/env bash
# A single-node Slurm on this machine for the cluster tests: munged, slurmctld and slurmd, each with
# its own state under STATE_DIR, listening on 127.0.0.1 only, no accounting.
#   scripts/cluster/slurm.sh up STATE_DIR     start (prints `export SLURM_CONF=...`)
#   scripts/cluster/slurm.sh down STATE_DIR   stop the three daemons by their PID files
# Needs Debian's slurm-wlm and munge (scripts/cluster/install.sh) and root (the daemons run as root).
set -euo pipefail
cmd=${1:?up or down}
state=$(realpath -m "${2:?state folder}")

stop_pid() {  # stop_pid NAME PIDFILE: SIGTERM, then SIGKILL after 10 s
  local name=$1 file=$2 pid
  [ -s "$file" ] || return 0
  pid=$(cat "$file")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && { echo "slurm.sh: $name ($pid) did not stop, killing it" >&2; kill -9 "$pid" || true; }
  fi
  rm -f "$file"
}

if [ "$cmd" = down ]; then
  stop_pid slurmd "$state/slurmd.pid"
  stop_pid slurmctld "$state/slurmctld.pid"
  stop_pid munged "$state/munged.pid"
  exit 0
fi
[ "$cmd" = up ] || { echo "usage: $0 up|down STATE_DIR" >&2; exit 2; }

mkdir -p "$state"/{munge,ctld,spool}
chmod 700 "$state/munge"
# munged insists on a private key file owned by the user running it
if [ ! -s "$state/munge/munge.key" ]; then
  dd if=/dev/urandom of="$state/munge/munge.key" bs=1 count=128 status=none
fi
chmod 400 "$state/munge/munge.key"
munged --force --socket="$state/munge/munge.socket" --key-file="$state/munge/munge.key" \
  --pid-file="$state/munged.pid" --log-file="$state/munged.log" --seed-file="$state/munge/munged.seed"

port=${SLURM_TEST_PORT:-6817}
cpus=$(nproc)
mem=$(awk '/MemTotal/ {print int($2 / 1024 * 0.8)}' /proc/meminfo)
cat > "$state/slurm.conf" <<CONF
ClusterName=firmcorpus-test
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
CommunicationParameters=NoCtldInAddrAny,NoInAddrAny
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$state/munge/munge.socket
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/spool
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/slurmctld.log
SlurmdLogFile=$state/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
ReturnToService=2
MinJobAge=3600
SchedulerParameters=defer_batch
InactiveLimit=0
KillWait=5
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=fcnode NodeAddr=127.0.0.1 NodeHostname=localhost CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=fcnode Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$state/slurm.conf"
slurmctld -i -f "$SLURM_CONF"
slurmd -N fcnode -f "$SLURM_CONF"
for _ in $(seq 60); do
  if sinfo -h -o "%T" 2>/dev/null | grep -qE "^idle"; then
    echo "export SLURM_CONF=$SLURM_CONF"
    exit 0
  fi
  sleep 1
done
echo "slurm.sh: the node did not come up; see $state/slurmctld.log and $state/slurmd.log" >&2
tail -5 "$state/slurmctld.log" "$state/slurmd.log" >&2 || true
exit 1
