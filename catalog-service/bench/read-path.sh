#!/usr/bin/env bash
# Read-path figure of catalog-service: cache-hot GET /api/products/{sku} with wrk, side by side with the same
# payload served straight from Redis (redis-benchmark GET of the cached key), alternating rounds in one run.
# Uses its own database and key prefix and removes both afterwards. Needs: the jar built
# (./mvnw -pl catalog-service -am package -DskipTests), wrk, redis-benchmark, mysql client, python3.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-15s}
PORT=${PORT:-8081}
SUFFIX=$(date +%s)
DB=bench_catalog_$SUFFIX
PREFIX="bench:catalog:$SUFFIX:"
SKU=BENCH-STEAM-100
JAR=$(ls target/catalog-service-*.jar | grep -v original | head -1)
SECRET=${JWT_SECRET:-flashkey-local-dev-jwt-secret-0123456789abcdef}
OUT=${OUT:-/tmp/catalog-read-path}
mkdir -p "$OUT"

cleanup() {
  [[ -n "${APP_PID:-}" ]] && kill "$APP_PID" 2>/dev/null && wait "$APP_PID" 2>/dev/null || true
  mysql -uroot -h127.0.0.1 -e "DROP DATABASE IF EXISTS \`$DB\`" || true
  redis-cli --scan --pattern "${PREFIX}*" | xargs -r redis-cli unlink >/dev/null || true
}
trap cleanup EXIT

java ${JAVA_OPTS:-} -Duser.timezone=UTC -Dreactor.netty.http.server.lastFlushWhenNoRead=true -jar "$JAR" --server.port="$PORT" \
  --spring.r2dbc.url="r2dbc:mysql://127.0.0.1:3306/$DB?connectionTimeZone=UTC&createDatabaseIfNotExist=true" \
  --spring.flyway.default-schema="$DB" --spring.flyway.schemas="$DB" \
  --flashkey.redis.key-prefix="$PREFIX" --logging.level.root=WARN >"$OUT/app.log" 2>&1 &
APP_PID=$!
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$PORT/actuator/health/readiness" >/dev/null && break
  sleep 1
done

TOKEN=$(python3 - "$SECRET" <<'PY'
import base64, hashlib, hmac, json, sys, time
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
now = int(time.time())
claims = b64(json.dumps({"iss": "flashkey", "aud": "flashkey-admin", "sub": "bench", "roles": ["admin"], "iat": now, "exp": now + 3600}).encode())
sig = b64(hmac.new(sys.argv[1].encode(), f"{header}.{claims}".encode(), hashlib.sha256).digest())
print(f"{header}.{claims}.{sig}")
PY
)
NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)
END=$(date -u -d '+1 day' +%Y-%m-%dT%H:%M:%SZ)
curl -fs -X POST "http://127.0.0.1:$PORT/api/admin/products" -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/json' \
  -d "{\"sku\":\"$SKU\",\"name\":\"Steam 100 CNY\",\"description\":\"Steam wallet code\",\"price\":\"99.00\",\"currency\":\"CNY\",\"saleStartsAt\":\"$NOW\",\"saleEndsAt\":\"$END\",\"perBuyerLimit\":2}" >/dev/null
URL="http://127.0.0.1:$PORT/api/products/$SKU"
curl -fs "$URL" >"$OUT/payload.json"
KEY="${PREFIX}catalog:product:v1:$SKU"
echo "payload: $(wc -c <"$OUT/payload.json") bytes over HTTP; Redis value $(redis-cli strlen "$KEY") bytes"
sleep 20
echo "idle RSS after start (KiB): $(awk '/VmRSS/{print $2}' /proc/$APP_PID/status)"

wrk -t2 -c50 -d"${WARMUP:-15s}" --latency "$URL" >/dev/null  # JIT warm-up, not reported
for round in $(seq 1 "$ROUNDS"); do
  wrk -t2 -c50 -d"$DURATION" --latency "$URL" >"$OUT/wrk-$round.txt"
  echo "round $round catalog: $(awk '/Requests\/sec/{print $2}' "$OUT/wrk-$round.txt") req/s, p99 $(awk '$1=="99%"{print $2}' "$OUT/wrk-$round.txt")"
  # --csv: "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
  redis-benchmark --csv -c 50 -n "${REDIS_REQUESTS:-600000}" GET "$KEY" >"$OUT/redis-$round.csv"
  echo "round $round redis:   $(tail -1 "$OUT/redis-$round.csv" | awk -F'","' '{print $2 " req/s, p99 " $7 "ms"}')"
done
sleep 20
echo "idle RSS after load (KiB): $(awk '/VmRSS/{print $2}' /proc/$APP_PID/status)"
echo "product queries that reached the database (whole run): $(curl -fs -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/actuator/metrics/catalog.product.loads?tag=source:database" | python3 -c 'import json,sys; print(json.load(sys.stdin)["measurements"][0]["value"])')"
