#!/usr/bin/env bash
# Benchmarks POST /api/orders direct to order-service, the way DESIGN.md section 9 measures it: wrk, a unique
# Idempotency-Key and buyer e-mail per request (load-tests/wrk/place-order.lua). Starts everything it needs on its
# own ports, from jars, and stops exactly what it started:
#
#   load-tests/bench-orders.sh                       # jars from the worktree's target/ folders (build them first)
#   BENCH_JARS=/tmp/before load-tests/bench-orders.sh   # or from a folder holding the three service jars
#
# One round: a Kafka broker (unless BENCH_KAFKA names a running one), catalog, inventory and order-service; one
# product with BENCH_STOCK card keys and one sold out; then
#   1. cold:     a pulse of BENCH_COLD_SECONDS right after order-service says ready (what a restart mid-sale meets),
#   2. accepted: BENCH_SECONDS of orders that reserve stock, publish order.placed (acks=all) and answer 202,
#   3. sold-out: BENCH_SECONDS of orders for the sold-out product (409 problem+json).
# It prints, per phase, requests/s by status, p50/p99 latency (wrk's, over all answers) and the CPU of each service
# (and of the broker, when this run started it) during the phase, as a share of a core and in ms per answer, and two
# lines per phase that scripts can grep: "RESULT <phase> <ok/s> <p50> <p99>" and "CPUMS <phase> <process>=<ms> ...".
#
# Settings (environment variables, all optional):
#   BENCH_JARS (worktree target/)  BENCH_SECONDS (15)  BENCH_COLD_SECONDS (5)  BENCH_CONNECTIONS (50)  BENCH_THREADS (2)
#   BENCH_STOCK (100000, at most 100000: one import)   BENCH_WARM_SECONDS (10, accepted load before the measured runs)
#   BENCH_PORT_BASE (3808: catalog 38081, inventory 38082, order 38083)
#   BENCH_KAFKA (host:port of a running broker; default: use or start one on BENCH_KAFKA_PORT, 39092, controller +1)
#   BENCH_KAFKA_PID (pid of that running broker, to report its CPU too)
#   BENCH_PROFILE (empty; "cpu" or "alloc" attaches async-profiler during the accepted run to BENCH_PROFILE_TARGETS,
#                  "order" by default, or e.g. "order inventory";
#                  ASYNC_PROFILER_SO locates libasyncProfiler.so; BENCH_PROFILE_FORMAT html or collapsed)
#   BENCH_KEEP (0; 1 leaves the services running)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }
for tool in wrk jq curl openssl java; do command -v "$tool" >/dev/null || die "needs $tool"; done

BASE=${BENCH_PORT_BASE:-3808}
declare -A PORT=([catalog]=${BASE}1 [inventory]=${BASE}2 [order]=${BASE}3)
HOLD=${BENCH_SECONDS:-15}
COLD=${BENCH_COLD_SECONDS:-5}
WARM=${BENCH_WARM_SECONDS:-10}
CONNS=${BENCH_CONNECTIONS:-50}
THREADS=${BENCH_THREADS:-2}
STOCK=${BENCH_STOCK:-100000}
RUN_ID=b$(date +%s)$(od -An -N2 -tx1 /dev/urandom | tr -d ' \n')
WORK=$ROOT/load-tests/target/bench-orders/$RUN_ID
mkdir -p "$WORK"
JWT_SECRET=${FLASHKEY_JWT_SECRET:-flashkey-local-dev-jwt-secret-0123456789abcdef}
HZ=$(getconf CLK_TCK)

jar_of() {
  local dir=${BENCH_JARS:-$ROOT/$1/target}
  ls "$dir"/$1-*.jar 2>/dev/null | grep -v -e sources -e javadoc -e '\.original' | head -1
}
for svc in catalog-service inventory-service order-service; do
  [ -n "$(jar_of $svc)" ] || die "no $svc jar in ${BENCH_JARS:-$svc/target}: ./mvnw -q -pl $svc -am package -DskipTests"
done

declare -A PID=()
cleanup() {
  if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "left running: ${PID[*]}"; return; fi
  for name in "${!PID[@]}"; do kill "${PID[$name]}" 2>/dev/null || true; done
  for name in "${!PID[@]}"; do
    for _ in $(seq 50); do [ -d "/proc/${PID[$name]}" ] || break; sleep 0.2; done
    kill -9 "${PID[$name]}" 2>/dev/null || true
  done
  # Only what this run created: its databases and its Redis keys (MariaDB and Redis are shared).
  if command -v mysql >/dev/null; then
    for db in $(mysql -uroot -h127.0.0.1 -N -e "SHOW DATABASES LIKE 'perfbench\\_${RUN_ID}\\_%'" 2>/dev/null); do
      mysql -uroot -h127.0.0.1 -e "DROP DATABASE \`$db\`" 2>/dev/null || true
    done
  fi
  if command -v redis-cli >/dev/null; then
    redis-cli --scan --pattern "$RUN_ID:*" 2>/dev/null | xargs -r -n 500 redis-cli del >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# --- Kafka -------------------------------------------------------------------------------------------------
KAFKA=${BENCH_KAFKA:-}
if [ -z "$KAFKA" ]; then
  KPORT=${BENCH_KAFKA_PORT:-39092}
  KCTL=$((KPORT + 1))
  KAFKA=127.0.0.1:$KPORT
  if answers "$KPORT"; then
    echo "using the Kafka broker that answers on $KAFKA"
  else
    LIBS=$ROOT/load-tests/target/kafka-libs
    if [ ! -f "$LIBS/.resolved" ]; then
      ./mvnw -q -B -ntp -f infra/kafka/pom.xml dependency:copy-dependencies -DincludeScope=runtime \
        -DoutputDirectory="$LIBS" && touch "$LIBS/.resolved"
    fi
    KDIR=$WORK/kafka
    mkdir -p "$KDIR/data"
    sed -e "s#@PORT@#$KPORT#g" -e "s#@CONTROLLER_PORT@#$KCTL#g" -e "s#@DATA_DIR@#$KDIR/data#g" \
      -e "s#@PARTITIONS@#6#g" infra/kafka/server.properties.template >"$KDIR/server.properties"
    log4j="-Dlog4j2.configurationFile=$ROOT/infra/kafka/log4j2.properties"
    cid=$(java -cp "$LIBS/*" "$log4j" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)
    java -cp "$LIBS/*" "$log4j" kafka.tools.StorageTool format -t "$cid" -c "$KDIR/server.properties" --standalone \
      >"$WORK/kafka-format.log" 2>&1 || die "kafka format failed ($WORK/kafka-format.log)"
    java -Xms256m -Xmx512m -XX:+UseG1GC "$log4j" -cp "$LIBS/*" kafka.Kafka "$KDIR/server.properties" \
      >"$WORK/kafka.log" 2>&1 &
    PID[kafka]=$!
    for _ in $(seq 240); do answers "$KPORT" && grep -q 'Kafka Server started' "$WORK/kafka.log" && break; sleep 0.5; done
    answers "$KPORT" || die "Kafka did not start ($WORK/kafka.log)"
  fi
fi

# --- services ----------------------------------------------------------------------------------------------
DBP=perfbench_$RUN_ID
common_env=(DB_HOST=127.0.0.1 REDIS_HOST=127.0.0.1 KAFKA_BOOTSTRAP=$KAFKA REDIS_KEY_PREFIX="$RUN_ID:"
  KAFKA_TOPIC_PREFIX="$RUN_ID." CATALOG_URL=http://127.0.0.1:${PORT[catalog]}
  INVENTORY_URL=http://127.0.0.1:${PORT[inventory]} JWT_SECRET="$JWT_SECRET" OPENAPI_ENABLED=false
  # The development delivery and card-code keys exist only in the local profile (inventory refuses to start without).
  SPRING_PROFILES_ACTIVE=local)
start() { # name jar db-schema
  local name=$1 jar=$2; shift 2
  env "${common_env[@]}" PORT="${PORT[$name]}" \
    java -Xms256m -Xmx512m -XX:+UseG1GC -Duser.timezone=UTC -Dreactor.netty.http.server.lastFlushWhenNoRead=true ${JAVA_EXTRA:-} -jar "$jar" "$@" >"$WORK/$name.log" 2>&1 &
  PID[$name]=$!
}
ready() { curl -fsS -m 2 "http://127.0.0.1:$1/actuator/health/readiness" 2>/dev/null | grep -q '"UP"'; }
wait_ready() {
  for _ in $(seq 360); do ready "${PORT[$1]}" && return 0; [ -d "/proc/${PID[$1]}" ] || break; sleep 0.5; done
  tail -40 "$WORK/$1.log" >&2; die "$1 did not become ready ($WORK/$1.log)"
}
schema_args() { # schema
  echo "--spring.r2dbc.url=r2dbc:mysql://127.0.0.1:3306/$1?connectionTimeZone=UTC&createDatabaseIfNotExist=true" \
    "--spring.flyway.default-schema=$1" "--spring.flyway.schemas=$1"
}
# shellcheck disable=SC2046
start catalog "$(jar_of catalog-service)" $(schema_args "${DBP}_catalog")
# shellcheck disable=SC2046
start inventory "$(jar_of inventory-service)" $(schema_args "${DBP}_inventory")
wait_ready catalog
wait_ready inventory

b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
token() {
  local now header payload key sig
  now=$(date +%s)
  header=$(printf '%s' '{"alg":"HS256","typ":"JWT"}' | b64url)
  payload=$(printf '{"iss":"flashkey","aud":"flashkey-admin","sub":"bench","roles":["admin"],"iat":%d,"exp":%d}' "$now" "$((now + 3600))" | b64url)
  key=$(printf '%s' "$JWT_SECRET" | od -An -v -tx1 | tr -d ' \n')
  sig=$(printf '%s' "$header.$payload" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$key" -binary | b64url)
  printf '%s.%s.%s' "$header" "$payload" "$sig"
}
TOKEN=$(token)
product() { # sku keys
  local starts ends
  starts=$(date -u -d '-1 minute' +%Y-%m-%dT%H:%M:%SZ)
  ends=$(date -u -d '+1 day' +%Y-%m-%dT%H:%M:%SZ)
  curl -fsS -m 10 -o /dev/null -X POST "http://127.0.0.1:${PORT[catalog]}/api/admin/products" \
    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d "{\"sku\":\"$1\",\"name\":\"bench $1\",\"description\":\"bench\",\"price\":\"9.90\",\"currency\":\"CNY\",\"saleStartsAt\":\"$starts\",\"saleEndsAt\":\"$ends\",\"perBuyerLimit\":2,\"active\":true}" \
    || die "creating product $1 failed"
  seq -f "$1-%07g-$RUN_ID" 1 "$2" | curl -fsS -m 300 -o /dev/null -X POST \
    "http://127.0.0.1:${PORT[inventory]}/api/admin/products/$1/keys" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: text/plain' --data-binary @- || die "importing $2 keys for $1 failed"
}
SKU_ON=BENCH-ON-${RUN_ID^^}
SKU_OUT=BENCH-OUT-${RUN_ID^^}
product "$SKU_ON" "$STOCK"
product "$SKU_OUT" 1

# shellcheck disable=SC2046
start order "$(jar_of order-service)" \
  "--flashkey.order.shards.r2dbc-url=r2dbc:mysql://127.0.0.1:3306/${DBP}_orders_{shard}?connectionTimeZone=UTC" \
  "--flashkey.order.shards.jdbc-url=jdbc:mariadb://127.0.0.1:3306/${DBP}_orders_{shard}?createDatabaseIfNotExist=true" \
  "--flashkey.order.payment-page-url=http://127.0.0.1:${BASE}4/simulator/pay"
wait_ready order

# --- phases ------------------------------------------------------------------------------------------------
ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }
# The processes whose CPU a phase reports: the services, and the broker when this run started it (or names its pid).
METERED=(order inventory catalog)
declare -A METER_PID=()
[ -n "${PID[kafka]:-${BENCH_KAFKA_PID:-}}" ] && METERED+=(kafka) && METER_PID[kafka]=${PID[kafka]:-$BENCH_KAFKA_PID}
for svc in order inventory catalog; do METER_PID[$svc]=${PID[$svc]}; done
phase() { # name sku seconds expected-status
  local name=$1 out=$WORK/$1.out before=() i=0 svc
  for svc in "${METERED[@]}"; do before+=("$(ticks "${METER_PID[$svc]}")"); done
  local prof="" target
  if [ "$name" = accepted ] && [ -n "${BENCH_PROFILE:-}" ]; then
    prof=$WORK/profile-${BENCH_PROFILE}-SVC.${BENCH_PROFILE_FORMAT:-html}
    for target in ${BENCH_PROFILE_TARGETS:-order}; do # jcmd wants the agent's options quoted
      jcmd "${PID[$target]}" JVMTI.agent_load "${ASYNC_PROFILER_SO:?set ASYNC_PROFILER_SO}" \
        "\"start,event=${BENCH_PROFILE},interval=1ms,file=${prof/SVC/$target}\"" >>"$WORK/profiler.out"
    done
  fi
  BENCH_SKU=$2 BENCH_RUN=$RUN_ID-$name wrk -t"$THREADS" -c"$CONNS" -d"${3}s" --timeout 10s \
    -s load-tests/wrk/place-order.lua "http://127.0.0.1:${PORT[order]}" >"$out" 2>&1 || true
  if [ -n "$prof" ]; then
    for target in ${BENCH_PROFILE_TARGETS:-order}; do
      jcmd "${PID[$target]}" JVMTI.agent_load "$ASYNC_PROFILER_SO" "\"stop,file=${prof/SVC/$target}\"" >>"$WORK/profiler.out"
    done
  fi
  local dur p50 p99 ok all cpu="" per="" now
  dur=$(awk '$1=="duration_s"{print $2}' "$out")
  p50=$(awk '$1=="latency"{print $3}' "$out")
  p99=$(awk '$1=="latency"{print $5}' "$out")
  ok=$(awk -v s="$4" '$1=="status" && $2==s {print $3}' "$out")
  all=$(awk '$1=="status"{n+=$3} END{print n+0}' "$out")
  for svc in "${METERED[@]}"; do
    now=$(ticks "${METER_PID[$svc]}")
    cpu+=" $svc=$(awk -v a="${before[$i]}" -v b="$now" -v hz="$HZ" -v d="$dur" 'BEGIN{printf "%.0f%%", (b-a)/hz/d*100}')"
    per+=" $svc=$(awk -v a="${before[$i]}" -v b="$now" -v hz="$HZ" -v n="$all" \
      'BEGIN{printf "%.2f", (n > 0 ? (b-a)/hz*1000/n : 0)}')"
    i=$((i + 1))
  done
  printf '%-9s %s s, by status:%s\n' "$name" "$dur" \
    "$(awk -v d="$dur" '$1=="status"{printf " %s=%.0f/s", $2, $3/d}' "$out")"
  printf '          p50 %s ms, p99 %s ms; CPU of a core:%s%s\n' "$p50" "$p99" "$cpu" "${prof:+; profile $prof}"
  printf '          CPU ms per answer:%s\n' "$per"
  printf 'CPUMS %s%s\n' "$name" "$per"
  printf 'RESULT %s %.0f %s %s\n' "$name" "$(awk -v n="${ok:-0}" -v d="$dur" 'BEGIN{print n/d}')" "$p50" "$p99"
}

echo "== bench-orders $RUN_ID: jars ${BENCH_JARS:-from target/}, wrk -t$THREADS -c$CONNS, $(uptime | sed 's/.*load/load/')"
[ "$COLD" -gt 0 ] && phase cold "$SKU_ON" "$COLD" 202
# The one unit of the sold-out product goes first, so every later order for it is refused.
# (Retried with the same key: a cold first call may answer 503, and a retry then places it.)
for _ in $(seq 20); do
  curl -fsS -m 10 -o /dev/null -X POST "http://127.0.0.1:${PORT[order]}/api/orders" -H 'Content-Type: application/json' \
    -H "Idempotency-Key: $RUN_ID-last" -d "{\"sku\":\"$SKU_OUT\",\"quantity\":1,\"email\":\"last@bench.example\"}" \
    2>/dev/null && break
  sleep 1
done
if [ "$WARM" -gt 0 ]; then
  BENCH_SKU=$SKU_ON BENCH_RUN=$RUN_ID-warm wrk -t"$THREADS" -c"$CONNS" -d"${WARM}s" \
    -s load-tests/wrk/place-order.lua "http://127.0.0.1:${PORT[order]}" >"$WORK/warm.out" 2>&1 || true
fi
phase accepted "$SKU_ON" "$HOLD" 202
phase sold-out "$SKU_OUT" "$HOLD" 409
echo "logs: $WORK"
