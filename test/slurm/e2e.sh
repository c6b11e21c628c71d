#!/usr/bin/env bash
# End-to-end test of sharded sweeps on a real, one-node Slurm (Debian's slurmctld, slurmd,
# slurm-client and munge), as docs/cluster.md tells a user to run them:
#   1. `vsflow slurm sweep ... --shards 4` writes the script; bash submits a 4-task array and the
#      dependent merge job; DIR/merged.json must equal the unsharded run entry for entry (meta
#      and per-entry wall times aside).
#   2. A 1-CPU task (--cpus-per-task=1, TaskPlugin=task/affinity) sees one CPU, so
#      `--workers auto` starts one worker.
#   3. A shard of a 2-task array is interrupted mid-run (`scancel --signal=INT --batch`, the path
#      of `--signal=B:INT@60`): it saves its file and exits 130, the merge job is cancelled, and
#      `vsflow sweep merge` exits 3 naming `--array=1`. Resubmitting that one index (ARRAY=1 bash
#      submit.sh) resumes the shard from its file and the new merge equals the unsharded run.
#   4. `vsflow slurm train` over a 4-run grid in 2 shards: the merge job prints the same per-run
#      and summary tables as the one-machine `vsflow train`.
# Runs as root with apt-get only (it installs packages and starts daemons); elsewhere it prints
# a message and exits 0. Everything lives in one temporary folder with its own munge socket and
# Slurm ports; the trap cancels the jobs it submitted and stops exactly the daemons it started,
# by the PIDs in their pid files. About 1 minute once the packages are installed.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
say() { printf 'slurm-e2e: %s\n' "$*"; }

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  say "skipped: needs root and apt-get to install and start Slurm (run as root on a Debian machine)"
  exit 0
fi
t0=$SECONDS
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  say "installing slurmctld slurmd slurm-client munge"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null
fi

# The built CLI, as a user runs it (rebuilt when a source file is newer than the build).
VSFLOW_JS="$ROOT/dist/src/cli/main.js"
if [ ! -f "$VSFLOW_JS" ] || [ -n "$(find "$ROOT/src" -name '*.ts' -newer "$VSFLOW_JS" -print -quit)" ]; then
  say "building vsflow"
  (cd "$ROOT" && npm run build --silent)
fi
vsflow() { node "$VSFLOW_JS" "$@"; }

t_daemons=$SECONDS
WORK="$(mktemp -d /tmp/vsflow-slurm-e2e.XXXXXX)"
chmod 755 "$WORK"
JOBS=()
DAEMON_PIDFILES=()
cleanup() {
  local rc=$?
  set +e
  if [ ${#JOBS[@]} -gt 0 ] && [ -n "${SLURM_CONF:-}" ]; then scancel "${JOBS[@]}" 2>/dev/null; fi
  # Daemons in reverse start order, each by the PID it wrote; SIGKILL after 10 s.
  for ((i = ${#DAEMON_PIDFILES[@]} - 1; i >= 0; i--)); do
    local f="${DAEMON_PIDFILES[$i]}" pid
    pid="$(cat "$f" 2>/dev/null)" || continue
    [ -n "$pid" ] || continue
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null; fi
  done
  if [ "$rc" != 0 ]; then
    say "FAILED (exit $rc); logs:"
    for f in "$WORK"/*.log "$WORK"/run*/logs/*.out; do [ -f "$f" ] && { echo "== $f"; tail -n 25 "$f"; }; done
  fi
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A free TCP port on 127.0.0.1 (asked from the kernel), so a Slurm already on this machine is left alone.
free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close();});"; }
CTLD_PORT="$(free_port)"
SLURMD_PORT="$(free_port)"

# munge: own key, socket, pid and log; run as the munge user (it refuses root-owned state).
mkdir -p "$WORK/munge"
dd if=/dev/urandom of="$WORK/munge/munge.key" bs=1024 count=1 status=none
chown -R munge:munge "$WORK/munge"
# munged wants its socket folder searchable by all, the key readable by munge only.
chmod 755 "$WORK/munge"
chmod 600 "$WORK/munge/munge.key"
MUNGE_SOCKET="$WORK/munge/munge.socket"
runuser -u munge -- munged --socket="$MUNGE_SOCKET" --key-file="$WORK/munge/munge.key" --pid-file="$WORK/munge/munged.pid" \
  --log-file="$WORK/munge/munged.log" --seed-file="$WORK/munge/munged.seed"
DAEMON_PIDFILES+=("$WORK/munge/munged.pid")

NCPU="$(nproc)"
[ "$NCPU" -gt 2 ] && NCPU=2
mkdir -p "$WORK/state" "$WORK/spool"
export SLURM_CONF="$WORK/slurm.conf"
cat >"$SLURM_CONF" <<EOF
ClusterName=vsflowe2e
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$MUNGE_SOCKET
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/slurmctld.log
SlurmdLogFile=$WORK/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/affinity
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$WORK/jobcomp.txt
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
ReturnToService=2
SlurmdTimeout=30
MinJobAge=600
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$NCPU State=UNKNOWN
PartitionName=e2e Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
# The hostname is not "localhost": slurmd is told which node it is.
slurmctld -f "$SLURM_CONF"
DAEMON_PIDFILES+=("$WORK/slurmctld.pid")
slurmd -f "$SLURM_CONF" -N localhost
DAEMON_PIDFILES+=("$WORK/slurmd.pid")
for _ in $(seq 1 100); do
  state="$(sinfo -h -n localhost -o %t 2>/dev/null || true)"
  [ "$state" = idle ] && break
  sleep 0.2
done
[ "$state" = idle ] || { say "node not idle: '$state'"; exit 1; }
say "munge + slurm up in $((SECONDS - t_daemons)) s (ports $CTLD_PORT/$SLURMD_PORT, $NCPU CPUs)"

# Waits (at most $2 s) until job $1 has left the queue.
wait_job() {
  for _ in $(seq 1 $(($2 * 5))); do
    [ -z "$(squeue -h -j "$1" 2>/dev/null)" ] && return 0
    sleep 0.2
  done
  say "job $1 still queued after $2 s"; squeue; return 1
}
# Submits with a generated script; records the job ids ("... as job A and the merge as job M").
submit() {
  local line
  line="$(env "$@")"
  echo "$line"
  SHARD_JOB="$(sed -n 's/.* as job \([0-9]*\) and the merge as job \([0-9]*\);.*/\1/p' <<<"$line")"
  MERGE_JOB="$(sed -n 's/.* as job \([0-9]*\) and the merge as job \([0-9]*\);.*/\2/p' <<<"$line")"
  [ -n "$SHARD_JOB" ] && [ -n "$MERGE_JOB" ] || { say "could not read the job ids"; return 1; }
  JOBS+=("$SHARD_JOB" "$MERGE_JOB")
}
# Compares two sweep results entry for entry, without meta and per-entry wall times.
same_result() {
  node -e '
    const fs = require("fs");
    const strip = (p) => { const r = JSON.parse(fs.readFileSync(p, "utf8")); delete r.meta; r.entries = r.entries.map((e) => ({ ...e, wallTimeMs: 0 })); return JSON.stringify(r); };
    const [a, b] = process.argv.slice(1);
    if (strip(a) !== strip(b)) { console.error("results differ: " + a + " vs " + b); process.exit(1); }
    const n = JSON.parse(fs.readFileSync(a, "utf8")).entries.length;
    console.log("equal entry for entry (" + n + " entries): " + a + " = " + b);
  ' "$1" "$2"
}

# 1. A 4-task array and its merge job.
CFG=(--count 48 --sizes 2x2,3x3 --v-scales 0.1,1 --losses logistic,square --t-end 300)
vsflow sweep "${CFG[@]}" --workers 2 --out "$WORK/full.json" >/dev/null
vsflow slurm sweep "${CFG[@]}" --shards 4 --out "$WORK/run" --time 00:05:00 >"$WORK/submit.sh"
grep -q -- '--signal=B:INT@60' "$WORK/submit.sh"
grep -q -- '--kill-on-invalid-dep=yes' "$WORK/submit.sh"
grep -q '^exec ' "$WORK/submit.sh"
submit bash "$WORK/submit.sh"
wait_job "$SHARD_JOB" 60
wait_job "$MERGE_JOB" 30
[ -f "$WORK/run/merged.json" ] || { say "no merged.json after the merge job"; exit 1; }
ls "$WORK/run" | grep -c '^shard-[0-3]-of-4\.json$' | grep -qx 4
same_result "$WORK/run/merged.json" "$WORK/full.json"
say "4-shard array + merge job: ok ($((SECONDS - t0)) s)"

# 2. --cpus-per-task=1 with task/affinity: node sees one CPU, so --workers auto is 1.
cpus_job="$(sbatch --parsable --cpus-per-task=1 --output="$WORK/cpus.out" --wrap "node -e 'console.log(require(\"os\").availableParallelism())'")"
JOBS+=("$cpus_job")
wait_job "$cpus_job" 30
[ "$(cat "$WORK/cpus.out")" = 1 ] || { say "a 1-CPU task saw $(cat "$WORK/cpus.out") CPUs"; exit 1; }
say "1-CPU task: os.availableParallelism() = 1: ok"

# 3. Interrupt shard 1 of 2 mid-run, see the merge refuse, resubmit index 1 only.
# Large enough that each shard runs well past its first 2-s save (≈ 600 problems/s per core here).
BIG=(--count 8000 --sizes 8x8 --v-scales 1 --losses logistic --t-end 300)
vsflow slurm sweep "${BIG[@]}" --shards 2 --out "$WORK/run2" --time 00:05:00 >"$WORK/submit2.sh"
submit bash "$WORK/submit2.sh"
FIRST_SHARDS="$SHARD_JOB"
FIRST_MERGE="$MERGE_JOB"
vsflow sweep "${BIG[@]}" --workers 2 --out "$WORK/full2.json" >/dev/null &
REF_PID=$!
# Shard 1 saves its file every 2 s while running: interrupt it after the first save.
for _ in $(seq 1 300); do [ -f "$WORK/run2/shard-1-of-2.json" ] && break; sleep 0.1; done
[ -f "$WORK/run2/shard-1-of-2.json" ] || { say "shard 1 never saved"; exit 1; }
scancel --signal=INT --batch "${FIRST_SHARDS}_1"
wait_job "$FIRST_SHARDS" 60
wait_job "$FIRST_MERGE" 30
wait "$REF_PID"
partial="$(node -e 'const r=require(process.argv[1]); console.log(r.entries.length, r.shard.complete)' "$WORK/run2/shard-1-of-2.json")"
say "shard 1 after SIGINT: $partial (entries, complete)"
[ "${partial#* }" = false ] || { say "shard 1 was not interrupted (finished before the signal?)"; exit 1; }
grep -q 'interrupted after .* of shard 1/2; saved to' "$WORK"/run2/logs/shard-1-job-"$FIRST_SHARDS".out
[ ! -f "$WORK/run2/merged.json" ] || { say "the merge ran although a shard failed"; exit 1; }
set +e
merge_out="$(vsflow sweep merge "$WORK/run2" 2>&1)"
merge_rc=$?
set -e
[ "$merge_rc" = 3 ] || { say "merge with a missing shard exited $merge_rc: $merge_out"; exit 1; }
grep -q -- '--array=1$' <<<"$merge_out"
say "interrupted shard: merge job cancelled, sweep merge exit 3: ${merge_out#vsflow: }"
cp "$WORK/run2/shard-1-of-2.json" "$WORK/partial-shard-1.json"
submit env ARRAY=1 bash "$WORK/submit2.sh"
wait_job "$SHARD_JOB" 60
wait_job "$MERGE_JOB" 30
[ -f "$WORK/run2/merged.json" ] || { say "no merged.json after resubmitting shard 1"; exit 1; }
# The resubmitted shard resumed: the entries saved before the signal are in it unchanged.
node -e '
  const [a, b] = process.argv.slice(1).map((p) => require(p));
  const kept = a.entries.every((e, i) => JSON.stringify(e) === JSON.stringify(b.entries[i]));
  if (!kept || !b.shard.complete) { console.error("the resubmitted shard did not resume from its file"); process.exit(1); }
' "$WORK/partial-shard-1.json" "$WORK/run2/shard-1-of-2.json"
same_result "$WORK/run2/merged.json" "$WORK/full2.json"
say "resubmitted shard resumed and completed the merge: ok"

# 4. A training grid (2 variants × 2 learning rates) as a 2-task array: the merge job prints the
#    tables of the one-machine run.
GRID=(--task classification --quick --attention softmax,sigmoid --lr 1e-3,3e-3 --seeds 0 --dim 16 --steps 3)
vsflow slurm train "${GRID[@]}" --shards 2 --out "$WORK/run3" --time 00:05:00 >"$WORK/submit3.sh"
submit bash "$WORK/submit3.sh"
vsflow train "${GRID[@]}" >"$WORK/train-full.txt"
wait_job "$SHARD_JOB" 90
wait_job "$MERGE_JOB" 30
[ -f "$WORK/run3/merged.json" ] || { say "no merged.json for the training grid"; exit 1; }
diff <(tail -n +2 "$WORK/train-full.txt") <(tail -n +2 "$WORK/run3/logs/merge-job-$MERGE_JOB.out")
say "training grid: 2 shards + merge job print the one-machine tables: ok"
say "passed in $((SECONDS - t0)) s"
