#!/usr/bin/env bash
# The cluster tests (tests/cluster) against a real single-node Slurm and a real Ray, stopped by PID at the
# end whatever the outcome.   Usage: run_tests.sh [pytest args]
#  1. Slurm (scripts/cluster/slurm.sh) listens on 127.0.0.1 only (its config says so); tests/cluster/test_slurm.py.
#  2. Ray's GCS listens on every interface of its network namespace whatever --node-ip-address says, so as
#     root the Ray part runs in a network namespace of its own that has only the loopback interface
#     (`unshare --net`); tests/cluster/test_ray.py. Without root/unshare it runs here and says so.
# Both parts compare with one local reference build (made by the first, reused by the second).
set -uo pipefail
cd "$(dirname "$0")/../.."
VENV=${VENV:-.venv}
export FIRMCORPUS_CLUSTER_TESTS=1 HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false
PYTEST=("$VENV/bin/python" -m pytest -q -m cluster -p no:cacheprovider)

if [ "${1:-}" = --ray-part ]; then  # inside the namespace: lo up, Ray up, its tests, Ray down
  shift
  state=$2
  [ "$1" = netns ] && ip link set lo up
  shift 2
  trap 'scripts/cluster/ray.sh down "$state/ray"' EXIT
  # a token in ~/.ray/auth_token would switch the head to token authentication; this cluster is on loopback only
  export RAY_AUTH_MODE=disabled
  eval "$(scripts/cluster/ray.sh up "$state/ray" "$VENV/bin")"
  [ -n "${FIRMCORPUS_TEST_RAY:-}" ] || exit 1
  "${PYTEST[@]}" tests/cluster/test_ray.py "$@"
  exit $?
fi

state=$(mktemp -d "${TMPDIR:-/tmp}/firmcorpus-cluster.XXXXXX")
export FIRMCORPUS_TEST_REFERENCE="$state/reference"
rc=1
cleanup() {
  scripts/cluster/slurm.sh down "$state/slurm" || true
  scripts/cluster/ray.sh down "$state/ray" || true
  if [ "$rc" = 0 ]; then rm -rf "$state"; else echo "run_tests.sh: daemon logs kept in $state" >&2; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
t0=$(date +%s)

eval "$(scripts/cluster/slurm.sh up "$state/slurm")"
[ -n "${SLURM_CONF:-}" ] || exit 1
echo "run_tests.sh: Slurm up ($SLURM_CONF) in $(( $(date +%s) - t0 )) s"
"${PYTEST[@]}" tests/cluster/test_slurm.py "$@"
rc_slurm=$?
scripts/cluster/slurm.sh down "$state/slurm"
unset SLURM_CONF
echo "run_tests.sh: Slurm part done after $(( $(date +%s) - t0 )) s (pytest exit $rc_slurm)"

if [ "$(id -u)" = 0 ] && unshare --net true 2>/dev/null; then
  unshare --net "$0" --ray-part netns "$state" "$@"
else
  echo "run_tests.sh: no network namespace (needs root and unshare): Ray's GCS listens on every interface" >&2
  "$0" --ray-part here "$state" "$@"
fi
rc_ray=$?
echo "run_tests.sh: Ray part done (pytest exit $rc_ray); $(( $(date +%s) - t0 )) s in all"
rc=$(( rc_slurm != 0 ? rc_slurm : rc_ray ))
exit $rc
