#!/usr/bin/env bash
# Gateway hop: the same wrk load against a fixed-answer downstream directly, through the gateway without the
# rate-limit filter, and through the gateway with it (every request decided in Redis), in one run, rounds
# alternating. Prints requests/s and p99 per round and the medians; the ratios are the figures.
# Usage (from the repository root, after ./mvnw -pl gateway -am package -DskipTests):
#   gateway/bench/gateway-hop.sh [duration-seconds] [rounds] [connections]
set -euo pipefail
DURATION=${1:-15}
ROUNDS=${2:-3}
CONNECTIONS=${3:-50}
STUB_PORT=18181; GW_PLAIN_PORT=18180; GW_LIMITED_PORT=18182
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${OUT:-/tmp/gateway-hop}
mkdir -p "$OUT"
JAR=$(ls "$ROOT"/gateway/target/gateway-*.jar | grep -v original | head -1)
./mvnw -q -f "$ROOT/pom.xml" -pl gateway -am dependency:build-classpath -Dmdep.outputFile="$OUT/cp.txt" -Dmdep.includeScope=test >/dev/null
CP="$ROOT/gateway/target/test-classes:$(cat "$OUT/cp.txt")"

PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

java -Xmx128m -cp "$CP" com.flashkey.gateway.bench.BenchDownstream $STUB_PORT >"$OUT/stub.log" 2>&1 & PIDS+=($!)
common=(-Xmx384m -jar "$JAR" --flashkey.gateway.services.catalog=http://127.0.0.1:$STUB_PORT
        --flashkey.redis.key-prefix=fk-bench: --flashkey.gateway.access-log=ERRORS
        --flashkey.gateway.shedding.default-max-in-flight=100000
        # measure the proxy path, not fallbacks: a starved machine must not trip the breaker into cached answers
        --flashkey.gateway.downstreams.catalog.timeout=30s --flashkey.gateway.downstreams.catalog.slow-call-duration=60s
        --flashkey.gateway.timeouts.products=30000
        # one wrk client: lift the per-client budget so every request is admitted yet still counted in Redis
        --flashkey.gateway.rate-limit.policies.public.limit=100000000 --flashkey.gateway.rate-limit.policies.public.burst=100000000)
java "${common[@]}" --server.port=$GW_PLAIN_PORT --flashkey.gateway.rate-limit.enabled=false >"$OUT/gw-plain.log" 2>&1 & PIDS+=($!)
java "${common[@]}" --server.port=$GW_LIMITED_PORT >"$OUT/gw-limited.log" 2>&1 & PIDS+=($!)
for port in $STUB_PORT $GW_PLAIN_PORT $GW_LIMITED_PORT; do
  for _ in $(seq 1 180); do curl -sf -m 5 -o /dev/null "http://127.0.0.1:$port/api/products/SKU-1" && break; sleep 1; done
done

run() { # name port seconds
  wrk -t2 -c"$CONNECTIONS" -d"$3"s --latency "http://127.0.0.1:$2/api/products/SKU-1" >"$OUT/$1.txt"
  local rps p50 p99 non2xx timeouts
  rps=$(awk '/Requests\/sec/ {print $2}' "$OUT/$1.txt")
  p50=$(awk '$1=="50%" {print $2}' "$OUT/$1.txt")
  p99=$(awk '$1=="99%" {print $2}' "$OUT/$1.txt")
  non2xx=$(awk '/Non-2xx/ {print $5}' "$OUT/$1.txt"); non2xx=${non2xx:-0}
  timeouts=$(awk '/Socket errors/ {print $NF}' "$OUT/$1.txt"); timeouts=${timeouts:-0}
  echo "$1 rps=$rps p50=$p50 p99=$p99 non2xx=$non2xx timeouts=$timeouts"
}
# The gateways need their hot paths JIT-compiled before they are measured; on a loaded machine that takes a while.
WARMUP=${WARMUP:-45}
echo "warm-up ${WARMUP}s per gateway"
run warm-direct $STUB_PORT 10 >/dev/null
run warm-plain $GW_PLAIN_PORT "$WARMUP" >/dev/null
run warm-limited $GW_LIMITED_PORT "$WARMUP" >/dev/null
for round in $(seq 1 "$ROUNDS"); do
  run "direct-$round" $STUB_PORT "$DURATION"
  run "gateway-$round" $GW_PLAIN_PORT "$DURATION"
  run "gateway-ratelimited-$round" $GW_LIMITED_PORT "$DURATION"
done | tee "$OUT/results.txt"
to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; print v}'; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for kind in direct gateway gateway-ratelimited; do
  rps=$(grep "^$kind-[0-9]" "$OUT/results.txt" | sed 's/.*rps=\([^ ]*\).*/\1/' | median)
  p50=$(grep "^$kind-[0-9]" "$OUT/results.txt" | sed 's/.*p50=\([^ ]*\).*/\1/' | to_ms | median)
  p99=$(grep "^$kind-[0-9]" "$OUT/results.txt" | sed 's/.*p99=\([^ ]*\).*/\1/' | to_ms | median)
  echo "median $kind rps=$rps p50_ms=$p50 p99_ms=$p99"
done | tee "$OUT/medians.txt"
echo "fallback answers (must be 0): plain=$(grep -c 'answering' "$OUT/gw-plain.log" || true) limited=$(grep -c 'answering' "$OUT/gw-limited.log" || true)" | tee -a "$OUT/medians.txt"
echo "rate-limit fallbacks (must be 0): $(grep -c 'Rate-limit store unreachable' "$OUT/gw-limited.log" || true)" | tee -a "$OUT/medians.txt"
