#!/usr/bin/env bash
# Gateway hop against the real catalog-service: the same wrk load on GET /api/products/{sku} (cache-hot) straight to
# catalog, then through the gateway (routes, security, correlation, shedding, the Redis rate-limit script, breaker,
# last-good recording: the production filter chain), rounds alternating so both see the same machine. Optionally a
# second gateway jar (BASELINE_JAR) runs beside it on its own port and is measured in the same rounds, so a change
# is compared before/after in one window. Prints per-round figures, medians, p50s, the gateway's CPU per request
# and the hop ratio (gateway req/s / direct req/s).
#
# Usage (repository root, after ./mvnw -pl gateway,catalog-service -am package -DskipTests; nice it on a shared machine):
#   nice -n 10 load-tests/bench-gateway-hop.sh
# Settings (environment): DURATION (15 s per run), ROUNDS (3), CONNECTIONS (50), THREADS (2), WARMUP (30 s per
# gateway), BASE_PORT (37080: gateway, +1 catalog, +2 baseline gateway), BASELINE_JAR (none), GATEWAY_JAR (the
# built one), DB_NAME (catalog_bench_hop), REDIS_KEY_PREFIX (fk-bench-hop:), OUT (/tmp/bench-gateway-hop),
# JAVA_OPTS (bin/flashkey's service defaults), GATEWAY_ARGS (extra --key=value for the gateways),
# PROFILE (cpu, wall, alloc: async-profiler on each gateway during round 1, collapsed stacks and a flame graph in
# OUT; needs PROFILER_LIB, the path of libasyncProfiler.so, e.g. unzipped from tools.profiler:async-profiler:4.1).
# Uses MariaDB 127.0.0.1:3306 (root) and Redis 127.0.0.1:6379; it creates and drops its own database only.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DURATION=${DURATION:-15}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-50}
THREADS=${THREADS:-2}
WARMUP=${WARMUP:-30}
BASE_PORT=${BASE_PORT:-37080}
GW_PORT=$BASE_PORT; CATALOG_PORT=$((BASE_PORT + 1)); BASELINE_PORT=$((BASE_PORT + 2))
DB_NAME=${DB_NAME:-catalog_bench_hop}
KEY_PREFIX=${REDIS_KEY_PREFIX:-fk-bench-hop:}
OUT=${OUT:-/tmp/bench-gateway-hop}
JAVA_OPTS=${JAVA_OPTS:--Xms64m -Xmx384m -XX:+UseSerialGC -Xss512k -XX:ReservedCodeCacheSize=96m -XX:MaxDirectMemorySize=192m}
JWT_SECRET=${FLASHKEY_JWT_SECRET:-flashkey-local-dev-jwt-secret-0123456789abcdef}
SKU=BENCH-HOP-1
jar_of() { ls "$ROOT/$1"/target/"$1"-*.jar 2>/dev/null | grep -v -e original -e plain | head -1; }
GATEWAY_JAR=${GATEWAY_JAR:-$(jar_of gateway)}
CATALOG_JAR=$(jar_of catalog-service)
[ -f "$GATEWAY_JAR" ] && [ -f "$CATALOG_JAR" ] || { echo "build first: ./mvnw -pl gateway,catalog-service -am package -DskipTests" >&2; exit 1; }
command -v wrk >/dev/null || { echo "needs wrk" >&2; exit 1; }
mkdir -p "$OUT"

PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  mysql -h127.0.0.1 -uroot -e "DROP DATABASE IF EXISTS \`$DB_NAME\`" 2>/dev/null || true
}
trap cleanup EXIT

# Catalog on its own database and key prefix, no Kafka needed (its cache invalidation is Redis pub/sub).
# shellcheck disable=SC2086
PORT=$CATALOG_PORT REDIS_KEY_PREFIX=$KEY_PREFIX java $JAVA_OPTS -jar "$CATALOG_JAR" \
  "--spring.r2dbc.url=r2dbc:mysql://127.0.0.1:3306/$DB_NAME?connectionTimeZone=UTC&createDatabaseIfNotExist=true" \
  --spring.flyway.default-schema="$DB_NAME" --spring.flyway.schemas="$DB_NAME" \
  >"$OUT/catalog.log" 2>&1 & PIDS+=($!)

# The production route table and filters; only the limits are lifted so that the one wrk client is always admitted
# (each request still takes its tokens in Redis) and the breaker never answers from the cache on a busy machine.
GATEWAY_COMMON=(--flashkey.gateway.services.catalog=http://127.0.0.1:$CATALOG_PORT
  --flashkey.redis.key-prefix="$KEY_PREFIX" --flashkey.gateway.access-log=ERRORS
  --flashkey.gateway.rate-limit.policies.public.limit=100000000 --flashkey.gateway.rate-limit.policies.public.burst=100000000
  --flashkey.gateway.downstreams.catalog.timeout=30s --flashkey.gateway.timeouts.products=30000
  --flashkey.gateway.downstreams.catalog.slow-call-duration=60s)
# shellcheck disable=SC2206
GATEWAY_COMMON+=(${GATEWAY_ARGS:-})
start_gateway() { # jar port log; leaves the pid in STARTED
  # shellcheck disable=SC2086
  java $JAVA_OPTS -jar "$1" --server.port="$2" "${GATEWAY_COMMON[@]}" >"$3" 2>&1 &
  STARTED=$!; PIDS+=("$STARTED")
}
start_gateway "$GATEWAY_JAR" $GW_PORT "$OUT/gateway.log"; GW_PID=$STARTED
BASELINE_PID=
if [ -n "${BASELINE_JAR:-}" ]; then start_gateway "$BASELINE_JAR" $BASELINE_PORT "$OUT/baseline.log"; BASELINE_PID=$STARTED; fi

wait_up() { # port
  for _ in $(seq 1 240); do
    curl -fsS -m 3 "http://127.0.0.1:$1/actuator/health/readiness" 2>/dev/null | grep -q '"UP"' && return 0
    sleep 1
  done
  echo "nothing ready on :$1 (see $OUT/*.log)" >&2; exit 1
}
wait_up $CATALOG_PORT

# One product on sale, created through catalog's admin API with a locally minted admin token.
b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
now=$(date +%s)
header=$(printf '%s' '{"alg":"HS256","typ":"JWT"}' | b64url)
payload=$(printf '{"iss":"flashkey","aud":"flashkey-admin","sub":"bench","roles":["admin"],"iat":%d,"exp":%d}' "$now" $((now + 3600)) | b64url)
key=$(printf '%s' "$JWT_SECRET" | od -An -v -tx1 | tr -d ' \n')
sig=$(printf '%s' "$header.$payload" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$key" -binary | b64url)
body=$(printf '{"sku":"%s","name":"Bench card","description":"gateway hop benchmark","price":"10.00","currency":"CNY","saleStartsAt":"%s","saleEndsAt":"%s","perBuyerLimit":2,"active":true}' \
  "$SKU" "$(date -u -d '-1 minute' +%Y-%m-%dT%H:%M:%SZ)" "$(date -u -d '+1 day' +%Y-%m-%dT%H:%M:%SZ)")
# A freshly started catalog on a busy machine may take a while over its first write: a few patient attempts.
for attempt in 1 2 3 4 5; do
  status=$(curl -sS -m 30 -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$CATALOG_PORT/api/admin/products" \
    -H "Authorization: Bearer $header.$payload.$sig" -H 'Content-Type: application/json' -d "$body" || true)
  case $status in 200|201|409) break ;; esac
  [ "$attempt" = 5 ] && { echo "could not create $SKU in catalog: HTTP $status" >&2; exit 1; }
  sleep 2
done

wait_up $GW_PORT
[ -z "$BASELINE_PID" ] || wait_up $BASELINE_PORT

ticks_of() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }
HZ=$(getconf CLK_TCK)
profile() { # start|stop pid name (jcmd wants the agent options as one quoted argument)
  [ -n "${PROFILE:-}" ] && [ -n "${2:-}" ] || return 0
  case $1 in
    start) jcmd "$2" JVMTI.agent_load "$PROFILER_LIB" "\"start,event=$PROFILE,interval=${PROFILE_INTERVAL:-1ms}\"" >/dev/null ;;
    stop) jcmd "$2" JVMTI.agent_load "$PROFILER_LIB" "\"dump,file=$OUT/$3-$PROFILE.collapsed\"" >/dev/null
          jcmd "$2" JVMTI.agent_load "$PROFILER_LIB" "\"stop,file=$OUT/$3-$PROFILE.html\"" >/dev/null ;;
  esac
}
run() { # name port seconds [pid whose CPU to report]
  local before=0 after=0 cpu_ms=NA profiled=
  [ -n "${4:-}" ] && before=$(ticks_of "$4")
  case $1 in *-1) profiled=${4:-} ;; esac
  profile start "$profiled" "$1"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$3"s --latency "http://127.0.0.1:$2/api/products/$SKU" >"$OUT/$1.txt"
  profile stop "$profiled" "$1"
  local rps p50 p99 non2xx errors
  rps=$(awk '/Requests\/sec/ {print $2}' "$OUT/$1.txt")
  if [ -n "${4:-}" ]; then
    after=$(ticks_of "$4")
    cpu_ms=$(awk -v t=$((after - before)) -v hz="$HZ" -v r="$rps" -v d="$3" 'BEGIN { printf "%.3f", t / hz * 1000 / (r * d) }')
  fi
  p50=$(awk '$1=="50%" {print $2}' "$OUT/$1.txt")
  p99=$(awk '$1=="99%" {print $2}' "$OUT/$1.txt")
  non2xx=$(awk '/Non-2xx/ {print $5}' "$OUT/$1.txt"); non2xx=${non2xx:-0}
  errors=$(awk '/Socket errors/ {print $4 $6 $8 $10}' "$OUT/$1.txt"); errors=${errors:-none}
  echo "$1 rps=$rps p50=$p50 p99=$p99 cpu_ms_per_req=$cpu_ms non2xx=$non2xx socket_errors=$errors"
}

echo "load before: $(uptime | sed 's/.*load average/load average/')"
echo "warm-up: direct 10 s, each gateway ${WARMUP} s"
run warm-direct $CATALOG_PORT 10 >/dev/null
run warm-gateway $GW_PORT "$WARMUP" >/dev/null
[ -z "$BASELINE_PID" ] || run warm-baseline $BASELINE_PORT "$WARMUP" >/dev/null
KINDS=(direct gateway)
[ -z "$BASELINE_PID" ] || KINDS+=(baseline)
for round in $(seq 1 "$ROUNDS"); do
  run "direct-$round" $CATALOG_PORT "$DURATION"
  run "gateway-$round" $GW_PORT "$DURATION" "$GW_PID"
  [ -z "$BASELINE_PID" ] || run "baseline-$round" $BASELINE_PORT "$DURATION" "$BASELINE_PID"
done | tee "$OUT/results.txt"
echo "load after: $(uptime | sed 's/.*load average/load average/')" | tee -a "$OUT/results.txt"

to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; print v}'; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
field() { grep "^$1-[0-9]" "$OUT/results.txt" | sed "s/.* $2=\([^ ]*\).*/\1/"; }
{
  for kind in "${KINDS[@]}"; do
    echo "median $kind rps=$(field "$kind" rps | median) p50_ms=$(field "$kind" p50 | to_ms | median)" \
      "p99_ms=$(field "$kind" p99 | to_ms | median) cpu_ms_per_req=$(field "$kind" cpu_ms_per_req | median)"
  done
  direct_rps=$(field direct rps | median); direct_p50=$(field direct p50 | to_ms | median)
  for kind in "${KINDS[@]:1}"; do
    awk -v g="$(field "$kind" rps | median)" -v d="$direct_rps" -v gp="$(field "$kind" p50 | to_ms | median)" -v dp="$direct_p50" -v k="$kind" \
      'BEGIN { printf "hop %s: ratio %.3f of direct req/s, added p50 %.2f ms\n", k, g / d, gp - dp }'
  done
  for kind in gateway baseline; do
    f=$OUT/$kind.log; [ -f "$f" ] || continue
    echo "$kind: fallback answers $(grep -c 'answering' "$f" || true), rate-limit store fallbacks $(grep -c 'Rate-limit store unreachable' "$f" || true) (both must be 0)"
  done
} | tee "$OUT/medians.txt"
