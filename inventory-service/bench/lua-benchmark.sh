#!/usr/bin/env bash
# Reservations/s of the reserve Lua script alone, side by side with EVALSHA of a trivial script, in one run.
# Uses only keys under its own prefix (bench:inv:<pid>:) and deletes them afterwards. Never FLUSHALL.
# Usage: inventory-service/bench/lua-benchmark.sh [requests] [clients] [rounds]
set -euo pipefail
HOST=${REDIS_HOST:-127.0.0.1}
PORT=${REDIS_PORT:-6379}
N=${1:-200000}
C=${2:-50}
ROUNDS=${3:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
P="bench:inv:$$:"
cli() { redis-cli -h "$HOST" -p "$PORT" "$@"; }

RESERVE_SHA=$(cli SCRIPT LOAD "$(cat "$HERE/../src/main/resources/scripts/reserve.lua")")
TRIVIAL_SHA=$(cli SCRIPT LOAD "return 1")
cli SET "${P}{B}:stock" 1000000000 >/dev/null
NOW_MS=$(( $(date +%s) * 1000 ))
START=$(( NOW_MS - 3600000 ))
END=$(( NOW_MS + 3600000 ))
DEADLINE=$(( NOW_MS + 900000 ))

cleanup() {
  # Delete only this run's keys, in pages.
  while :; do
    keys=$(cli --scan --pattern "${P}*" | head -5000 || true)
    [ -z "$keys" ] && break
    echo "$keys" | xargs -r redis-cli -h "$HOST" -p "$PORT" UNLINK >/dev/null
  done
}
trap cleanup EXIT

# CSV line: "EVALSHA <sha> ...","<rps>","<avg ms>","<min>","<p50>","<p95>","<p99>","<max>"
rps() { awk -F'","' '/^"EVALSHA/ {print $2 " p50=" $5 "ms p99=" $7 "ms"}'; }
echo "redis-benchmark -n $N -c $C, $ROUNDS rounds; machine shared with other builds: compare within a round"
printf '%-6s %-36s %-36s %s\n' round "trivial EVALSHA rps" "reserve.lua EVALSHA rps" ratio
for r in $(seq 1 "$ROUNDS"); do
  t=$(redis-benchmark -h "$HOST" -p "$PORT" -n "$N" -c "$C" -r 100000000 --csv \
      EVALSHA "$TRIVIAL_SHA" 0 | rps)
  # Every call is a new order (random order number and buyer), so each one runs the full reserve path (a batch of
  # one: KEYS stock, buyers, pending, rebuilding, then the order's reservation; ARGV retention, then the order).
  s=$(redis-benchmark -h "$HOST" -p "$PORT" -n "$N" -c "$C" -r 100000000 --csv \
      EVALSHA "$RESERVE_SHA" 5 "${P}{B}:stock" "${P}{B}:buyers" "${P}{B}:pending" "${P}{B}:rebuilding" \
      "${P}{B}:res:__rand_int__" 3600000 "__rand_int__" 1 1 "b__rand_int__@x" 10 "$START" "$END" "$DEADLINE" | rps)
  printf '%-6s %-36s %-36s %s\n' "$r" "$t" "$s" "$(awk -v a="${s%% *}" -v b="${t%% *}" 'BEGIN{printf "%.2f", a/b}')"
done
echo "stock left: $(cli GET "${P}{B}:stock") of 1000000000"
