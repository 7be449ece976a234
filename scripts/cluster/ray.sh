#!/usr/bin/env bash
# A one-node Ray cluster on 127.0.0.1 for the cluster tests, from the venv's ray (the `ray` extra).
#   scripts/cluster/ray.sh up STATE_DIR [PYTHON_BIN_DIR]   start (prints `export FIRMCORPUS_TEST_RAY=127.0.0.1:PORT`)
#   scripts/cluster/ray.sh down STATE_DIR                  stop it by the PID of `ray start --block`
set -euo pipefail
cmd=${1:?up or down}
state=$(realpath -m "${2:?state folder}")
bin=${3:-.venv/bin}
port=${RAY_TEST_PORT:-6390}

if [ "$cmd" = down ]; then
  [ -s "$state/ray.pid" ] || exit 0
  pid=$(cat "$state/ray.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true   # `ray start --block` stops the processes it started when it exits
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && { echo "ray.sh: ray ($pid) did not stop, killing it" >&2; kill -9 "$pid" || true; }
  fi
  rm -f "$state/ray.pid"
  exit 0
fi
[ "$cmd" = up ] || { echo "usage: $0 up|down STATE_DIR [BIN]" >&2; exit 2; }
mkdir -p "$state"
export RAY_USAGE_STATS_ENABLED=0
setsid "$bin/ray" start --head --block --node-ip-address=127.0.0.1 --port="$port" --include-dashboard=false \
  --dashboard-host=127.0.0.1 --ray-client-server-port=$((port + 1)) --num-cpus="$(nproc)" \
  --temp-dir="$state/tmp" --disable-usage-stats >"$state/ray.log" 2>&1 &
echo $! > "$state/ray.pid"
for _ in $(seq 90); do
  if "$bin/ray" status --address="127.0.0.1:$port" >/dev/null 2>&1; then
    echo "export FIRMCORPUS_TEST_RAY=127.0.0.1:$port"
    exit 0
  fi
  kill -0 "$(cat "$state/ray.pid")" 2>/dev/null || break
  sleep 1
done
echo "ray.sh: ray did not come up; see $state/ray.log" >&2
tail -20 "$state/ray.log" >&2 || true
exit 1
