#!/usr/bin/env bash
# Webhook throughput on this machine: starts a local KRaft broker and the service (own database), then runs wrk
# against /actuator/health/liveness (baseline: same JVM, no DB, no Kafka) and against the simpay webhook with
# distinct signed events, and prints the stage timers (signature, db, kafka) from /actuator/prometheus.
# Usage (after ./mvnw -pl payment-callback-service -am verify):  payment-callback-service/load/run-load.sh [seconds] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-20}
CONNS=${2:-50}
SECRET=load-secret-$RANDOM
DB=t_payments_load_$RANDOM
APP_PORT=${APP_PORT:-18084}
KAFKA_PORT=${KAFKA_PORT:-19092}
WORK=$(mktemp -d)
(cd .. && ./mvnw -q -o -pl payment-callback-service dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt" \
  -Dmdep.includeScope=test >/dev/null)
# This worktree's contracts and test-support classes, not whatever a local repository holds.
DEPS=$(tr ':' '\n' <"$WORK/cp.txt" | grep -v '/com/flashkey/' | paste -sd:)
CP="target/test-classes:target/classes:../contracts/target/classes:../test-support/target/classes:$DEPS"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  mysql -uroot -h127.0.0.1 -e "DROP DATABASE IF EXISTS \`$DB\`" || true
  rm -rf "$WORK"
}
trap cleanup EXIT

java -Xmx512m -cp "$CP" com.flashkey.payment.bench.LocalKafkaBroker "$KAFKA_PORT" >"$WORK/kafka.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 180); do grep -q "KAFKA READY" "$WORK/kafka.log" && break; sleep 1; done
BOOTSTRAP=$(grep -o "KAFKA READY .*" "$WORK/kafka.log" | cut -d' ' -f3)
echo "kafka: $BOOTSTRAP"

java -Xmx512m -Duser.timezone=UTC -Dreactor.netty.http.server.lastFlushWhenNoRead=true -cp "$CP" com.flashkey.payment.PaymentCallbackServiceApplication \
  --server.port="$APP_PORT" \
  --spring.r2dbc.url="r2dbc:mysql://127.0.0.1:3306/$DB?connectionTimeZone=UTC&createDatabaseIfNotExist=true" \
  --spring.flyway.default-schema="$DB" --spring.flyway.schemas="$DB" \
  --spring.kafka.bootstrap-servers="$BOOTSTRAP" --flashkey.payment.providers.simpay.secrets="$SECRET" \
  --flashkey.payment.reconciliation.enabled=false --logging.level.root=WARN >"$WORK/app.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 180); do curl -sf "http://127.0.0.1:$APP_PORT/actuator/health/readiness" >/dev/null && break; sleep 1; done
curl -sf "http://127.0.0.1:$APP_PORT/actuator/health/readiness" >/dev/null || { tail -50 "$WORK/app.log"; exit 1; }

python3 load/simpay_requests.py 60000 "$SECRET" >"$WORK/warmup.tsv"
python3 load/simpay_requests.py $((DURATION * 6000)) "$SECRET" >"$WORK/run.tsv"

echo "== warm-up (10 s, distinct events)"
REQUESTS="$WORK/warmup.tsv" THREADS=2 wrk --timeout 30s -t2 -c"$CONNS" -d10s -s load/simpay.lua "http://127.0.0.1:$APP_PORT" | grep -E "Requests/sec|Non-2xx"

stage() { curl -s "http://127.0.0.1:$APP_PORT/actuator/prometheus" | grep -E "^flashkey_payment_webhook_stage_seconds_(sum|count)|^flashkey_payment_webhooks_total"; }
stage >"$WORK/before.txt"

echo "== baseline: GET /actuator/health/liveness, same JVM (${DURATION} s, ${CONNS} connections)"
wrk --timeout 30s -t2 -c"$CONNS" -d"${DURATION}s" --latency "http://127.0.0.1:$APP_PORT/actuator/health/liveness" | grep -E "Requests/sec|99%|50%"

echo "== subject: POST /webhooks/payments/simpay, distinct signed events (${DURATION} s, ${CONNS} connections)"
REQUESTS="$WORK/run.tsv" THREADS=2 wrk --timeout 30s -t2 -c"$CONNS" -d"${DURATION}s" --latency -s load/simpay.lua \
  "http://127.0.0.1:$APP_PORT" | grep -E "Requests/sec|requests in|99%|90%|50%|Non-2xx|Socket"
stage >"$WORK/after.txt"

echo "== stage time during the subject run (Micrometer timers: after - before)"
python3 - "$WORK/before.txt" "$WORK/after.txt" <<'PY'
import re, sys
def read(path):
    values = {}
    for line in open(path):
        m = re.match(r'(\S+)\{(.*)\} (\S+)', line)
        if m:
            values[(m.group(1), m.group(2))] = float(m.group(3))
    return values
before, after = read(sys.argv[1]), read(sys.argv[2])
stages = {}
for (name, labels), value in after.items():
    delta = value - before.get((name, labels), 0.0)
    m = re.search(r'stage="(\w+)"', labels)
    if m and name.endswith('_sum'):
        stages.setdefault(m.group(1), {})['sum'] = delta
    elif m and name.endswith('_count'):
        stages.setdefault(m.group(1), {})['count'] = delta
    elif name == 'flashkey_payment_webhooks_total' and delta:
        print('outcome', re.search(r'outcome="(\w+)"', labels).group(1), int(delta))
total = sum(s.get('sum', 0) for s in stages.values())
for stage, s in sorted(stages.items()):
    count = s.get('count', 0) or 1
    print('%-9s calls=%7d mean=%7.2f ms share=%5.1f%%' % (stage, s.get('count', 0), 1000 * s.get('sum', 0) / count,
          100 * s.get('sum', 0) / total if total else 0))
PY
sleep 10 # let requests the client gave up on finish, and the relay pass run
echo "== rows: $(mysql -uroot -h127.0.0.1 -N -e "SELECT CONCAT(state, '=', COUNT(*)) FROM \`$DB\`.payment_notifications GROUP BY state" | tr '\n' ' ')"
