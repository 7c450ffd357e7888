#!/usr/bin/env bash
# Webhook acknowledgements/s of payment-callback-service, several builds side by side in the same window.
# Starts one local KRaft broker, then for each round and each variant: the variant's jar on its own fresh database,
# a short warm-up, and a wrk run of distinct correctly signed simpay events (payment-callback-service/load/simpay.lua);
# prints acks/s, p50/p90/p99, non-2xx, the service's CPU ms per request and the rows it recorded, then the medians per
# variant and their ratio to the first variant. Every 200 counted is a callback that was durably recorded (DB row
# committed and Kafka acks=all acknowledged) before it was answered.
#
# Usage (after ./mvnw -pl payment-callback-service -am package -DskipTests):
#   load-tests/bench-webhooks.sh [NAME=JAR ...]      default: current=payment-callback-service/target/<jar>
#   env: ROUNDS (3) DURATION s (20) WARMUP s (20, lets the JIT settle first) CONNS (50) APP_PORT (36084) KAFKA_PORT (36092)
#        PROFILE=/path/to/libasyncProfiler.so  writes CPU stacks (collapsed, for flamegraph tools) of each subject run to $OUT_DIR
#        OUT_DIR (/tmp/bench-webhooks)  JAVA_OPTS (-Xmx512m)
# Prefix with `nice -n 10` on a shared machine. (jcmd needs the agent options quoted inside: it would split them at '='.)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-20}
CONNS=${CONNS:-50}
APP_PORT=${APP_PORT:-36084}
KAFKA_PORT=${KAFKA_PORT:-36092}
OUT_DIR=${OUT_DIR:-/tmp/bench-webhooks}
JAVA_OPTS=${JAVA_OPTS:--Xmx512m}
SECRET=bench-secret-$RANDOM
MODULE=payment-callback-service
VARIANTS=("$@")
[ ${#VARIANTS[@]} -gt 0 ] || VARIANTS=("current=$MODULE/target/$MODULE-0.1.0-SNAPSHOT.jar")
for v in "${VARIANTS[@]}"; do [ -f "${v#*=}" ] || { echo "no jar: ${v#*=}" >&2; exit 1; }; done
mkdir -p "$OUT_DIR"
WORK=$(mktemp -d)
PIDS=()
DBS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  for db in "${DBS[@]}"; do mysql -uroot -h127.0.0.1 -e "DROP DATABASE IF EXISTS \`$db\`" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# The broker: the module's LocalKafkaBroker (in-JVM KRaft, test classes) on test-support's classpath (spring-kafka-test
# and the Kafka server), on this script's own port.
./mvnw -q -B -ntp -pl test-support dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt" >/dev/null
CP="$MODULE/target/test-classes:$(cat "$WORK/cp.txt")"
java -Xmx768m -cp "$CP" com.flashkey.payment.bench.LocalKafkaBroker "$KAFKA_PORT" >"$WORK/kafka.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 180); do grep -q "KAFKA READY" "$WORK/kafka.log" && break; sleep 1; done
BOOTSTRAP=$(grep -o "KAFKA READY .*" "$WORK/kafka.log" | cut -d' ' -f3)
[ -n "$BOOTSTRAP" ] || { tail -30 "$WORK/kafka.log"; exit 1; }
echo "kafka $BOOTSTRAP; wrk -t2 -c$CONNS -d${DURATION}s; $ROUNDS rounds; load: $(cut -d' ' -f1-3 /proc/loadavg)"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
TICK=$(getconf CLK_TCK)

run_one() { # name jar round
  local name=$1 jar=$2 round=$3 db="t_bench_webhooks_${RANDOM}_$round" app log
  DBS+=("$db")
  log="$WORK/$name-$round.log"
  # The port is in the ephemeral range: another process's outgoing connection may hold it for a while.
  for attempt in 1 2 3 4 5; do
    for _ in $(seq 1 30); do [ -z "$(ss -Htan "sport = :$APP_PORT")" ] && break; sleep 1; done
    java $JAVA_OPTS -Duser.timezone=UTC -Dreactor.netty.http.server.lastFlushWhenNoRead=true -jar "$jar" --server.port="$APP_PORT" \
      --spring.r2dbc.url="r2dbc:mysql://127.0.0.1:3306/$db?connectionTimeZone=UTC&createDatabaseIfNotExist=true" \
      --spring.flyway.default-schema="$db" --spring.flyway.schemas="$db" \
      --spring.kafka.bootstrap-servers="$BOOTSTRAP" --flashkey.kafka.topic-prefix="bench$round$name." \
      --flashkey.payment.providers.simpay.secrets="$SECRET" --flashkey.payment.reconciliation.enabled=false \
      --logging.level.root=WARN >"$log" 2>&1 &
    app=$!
    PIDS+=($app)
    for _ in $(seq 1 180); do
      curl -sf "http://127.0.0.1:$APP_PORT/actuator/health/readiness" >/dev/null && break
      kill -0 "$app" 2>/dev/null || break
      sleep 1
    done
    curl -sf "http://127.0.0.1:$APP_PORT/actuator/health/readiness" >/dev/null && break
    grep -q "already in use" "$log" || { tail -40 "$log"; exit 1; }
    echo "port $APP_PORT taken, retrying ($attempt)"; wait "$app" 2>/dev/null || true; sleep 5
  done
  curl -sf "http://127.0.0.1:$APP_PORT/actuator/health/readiness" >/dev/null || { tail -40 "$log"; exit 1; }
  python3 $MODULE/load/simpay_requests.py $((WARMUP * 4000)) "$SECRET" >"$WORK/warm.tsv"
  python3 $MODULE/load/simpay_requests.py $((DURATION * 8000)) "$SECRET" >"$WORK/run.tsv"
  REQUESTS="$WORK/warm.tsv" THREADS=2 wrk --timeout 30s -t2 -c"$CONNS" -d"${WARMUP}s" -s $MODULE/load/simpay.lua \
    "http://127.0.0.1:$APP_PORT" >/dev/null
  sleep 1
  if [ -n "${PROFILE:-}" ]; then
    jcmd "$app" JVMTI.agent_load "$PROFILE" "\"start,event=cpu,interval=1ms,threads,file=$OUT_DIR/$name-$round.collapsed\"" >/dev/null
  fi
  local c0 c1
  c0=$(cpu_ticks "$app")
  REQUESTS="$WORK/run.tsv" THREADS=2 wrk --timeout 30s -t2 -c"$CONNS" -d"${DURATION}s" --latency -s $MODULE/load/simpay.lua \
    "http://127.0.0.1:$APP_PORT" >"$WORK/wrk.txt"
  c1=$(cpu_ticks "$app")
  if [ -n "${PROFILE:-}" ]; then
    jcmd "$app" JVMTI.agent_load "$PROFILE" "\"stop,file=$OUT_DIR/$name-$round.collapsed\"" >/dev/null || true
  fi
  cp "$WORK/wrk.txt" "$OUT_DIR/$name-$round.wrk.txt"
  # Stage timers (signature, db, kafka) and group-commit batch sizes, cumulative over warm-up and run.
  curl -s "http://127.0.0.1:$APP_PORT/actuator/prometheus" \
    | grep -E "^flashkey_payment_(webhook_stage_seconds|db_batch_rows)_(sum|count)" >"$OUT_DIR/$name-$round.meters.txt" || true
  sleep 3
  local rows
  rows=$(mysql -uroot -h127.0.0.1 -N -e "SELECT COUNT(*) FROM \`$db\`.payment_notifications")
  kill "$app"; wait "$app" 2>/dev/null || true
  for _ in $(seq 1 60); do ss -ltn "sport = :$APP_PORT" | grep -q LISTEN || break; sleep 1; done
  cp "$log" "$OUT_DIR/$name-$round.log"
  mysql -uroot -h127.0.0.1 -e "DROP DATABASE IF EXISTS \`$db\`"
  python3 - "$WORK/wrk.txt" "$name" "$round" "$(( (c1 - c0) * 1000 / TICK ))" "$rows" "$(cut -d' ' -f1 /proc/loadavg)" \
    >>"$WORK/results.tsv" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def ms(label):
    m = re.search(r'^\s*%s%%\s+([\d.]+)(us|ms|s)\s*$' % label, text, re.M)
    if not m: return float('nan')
    return float(m.group(1)) * {'us': 0.001, 'ms': 1, 's': 1000}[m.group(2)]
total = int(re.search(r'(\d+) requests in', text).group(1))
m = re.search(r'Non-2xx or 3xx responses: (\d+)', text)
bad = int(m.group(1)) if m else 0
secs = float(re.search(r'requests in ([\d.]+)s', text).group(1))
errors = re.search(r'Socket errors: (.*)', text)
acks = (total - bad) / secs
cpu_ms = int(sys.argv[4])
print('\t'.join(map(str, [sys.argv[2], sys.argv[3], '%.0f' % acks, '%.1f' % ms(50), '%.1f' % ms(90), '%.1f' % ms(99), bad,
      '%.2f' % (cpu_ms / max(total, 1)), sys.argv[5], sys.argv[6], errors.group(1) if errors else '-'])))
PY
  tail -1 "$WORK/results.tsv" | awk -F'\t' '{printf "%-10s round %s: %6s acks/s  p50 %6s ms  p90 %6s ms  p99 %6s ms  non-2xx %s  cpu %s ms/req  rows %s  load %s  %s\n", $1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11}'
}

for round in $(seq 1 "$ROUNDS"); do
  for v in "${VARIANTS[@]}"; do run_one "${v%%=*}" "${v#*=}" "$round"; done
done

echo "== medians over $ROUNDS rounds (load now: $(cut -d' ' -f1-3 /proc/loadavg))"
python3 - "$WORK/results.tsv" "${VARIANTS[@]%%=*}" <<'PY'
import statistics, sys
rows = [l.rstrip('\n').split('\t') for l in open(sys.argv[1])]
base = None
print('%-10s %8s %8s %8s %8s %10s %8s' % ('variant', 'acks/s', 'p50 ms', 'p90 ms', 'p99 ms', 'cpu ms/req', 'ratio'))
for name in sys.argv[2:]:
    mine = [r for r in rows if r[0] == name]
    med = [statistics.median(float(r[i]) for r in mine) for i in (2, 3, 4, 5, 7)]
    base = base or med[0]
    print('%-10s %8.0f %8.1f %8.1f %8.1f %10.2f %8.2f' % (name, *med, med[0] / base))
PY
