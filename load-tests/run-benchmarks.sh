#!/usr/bin/env bash
# Regenerates load-tests/RESULTS.md in one command against a running suite started with the opt-in that lets every
# virtual shopper be its own client (FLASHKEY_TRUST_LOCAL_XFF=1 bin/flashkey up):
#
#   load-tests/run-benchmarks.sh
#
# Runs, one after the other: Browse through the gateway, the same Browse direct to the services (catalog :8081,
# inventory :8082) for the gateway-hop ratio, CallbackStorm, FlashSale. For each run it samples the CPU seconds
# (utime+stime from /proc/<pid>/stat) of every service, Kafka, the SMTP sink, mariadbd and redis-server, and of the
# whole machine (/proc/stat), between Gatling's "started" and "completed" lines, so the process that limited the
# figure is measured, not guessed. Latencies and throughput come from each run's Gatling report.
#
# Settings (environment variables, all optional):
#   BENCH_SECONDS (15)        hold time of every run        BENCH_BROWSE_RATE (50) arrivals/s (3 requests each)
#   BENCH_STORM_RATE (100)    webhooks/s                    BENCH_SALE_RATE (50) shoppers/s, BENCH_SALE_STOCK (500)
#   BENCH_RUNS (all four: browse-gateway browse-direct callback-storm flash-sale)
#   BENCH_OUT (load-tests/RESULTS.md)                       FLASHKEY_SIMPAY_SECRET, FLASHKEY_JWT_SECRET as for the suite
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
FK=$ROOT/.flashkey
OUT=${BENCH_OUT:-load-tests/RESULTS.md}
SECONDS_HOLD=${BENCH_SECONDS:-15}
BROWSE_RATE=${BENCH_BROWSE_RATE:-50}
STORM_RATE=${BENCH_STORM_RATE:-100}
SALE_RATE=${BENCH_SALE_RATE:-50}
SALE_STOCK=${BENCH_SALE_STOCK:-500}
RUNS=${BENCH_RUNS:-browse-gateway browse-direct callback-storm flash-sale}
WORK=$ROOT/load-tests/target/bench
HZ=$(getconf CLK_TCK)

SERVICES=(gateway catalog-service inventory-service order-service payment-callback-service notification-service)
declare -A PORT=([gateway]=8080 [catalog-service]=8081 [inventory-service]=8082 [order-service]=8083
                 [payment-callback-service]=8084 [notification-service]=8085)

say() { printf '%s\n' "$*"; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }
command -v jq >/dev/null || die "needs jq: apt-get install -y jq"

for svc in "${SERVICES[@]}"; do
  curl -fsS -m 3 "http://127.0.0.1:${PORT[$svc]}/actuator/health/readiness" 2>/dev/null | grep -q '"UP"' ||
    die "$svc is not ready on :${PORT[$svc]}: start the suite first (bin/flashkey up)"
done
# The simulations give every shopper its own X-Forwarded-For; a gateway that does not believe it from loopback (the
# launcher's default) counts them all as one client and answers 429 to nearly everything.
gw_pid=$(cat "$FK/pids/gateway.pid" 2>/dev/null || true)
if [ -z "$gw_pid" ] || ! tr '\0' '\n' <"/proc/$gw_pid/environ" 2>/dev/null | grep -qx 'FLASHKEY_GATEWAY_TRUSTEDPROXIES=127.0.0.1'; then
  die "the gateway does not believe X-Forwarded-For from 127.0.0.1 (every shopper would be one client): start the suite with FLASHKEY_TRUST_LOCAL_XFF=1 bin/flashkey up"
fi
mkdir -p "$WORK"

# ---------------------------------------------------------------------------------------------------------
# Processes to sample: name -> pid.
declare -A PID=()
for name in "${SERVICES[@]}" kafka greenmail; do
  f=$FK/pids/$name.pid
  if [ -f "$f" ] && [ -d "/proc/$(cat "$f")" ]; then PID[$name]=$(cat "$f"); fi
done
# The MariaDB and Redis that serve the suite: whoever listens on their ports.
listener_pid() { ss -Hltnp "sport = :$1" 2>/dev/null | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -1; }
p=$(listener_pid 3306); [ -n "$p" ] && PID[mariadbd]=$p
p=$(listener_pid 6379); [ -n "$p" ] && PID[redis-server]=$p
PROCS=("${SERVICES[@]}" kafka greenmail mariadbd redis-server)

# utime+stime of a pid in clock ticks (fields 14 and 15, counted after the ")" that ends the command name).
ticks_of() { if [ -r "/proc/$1/stat" ]; then sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; else echo NA; fi; }
# Whole machine: busy and total ticks over all cores (aggregate "cpu" line of /proc/stat).
machine_ticks() { awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, t }' /proc/stat; }

snapshot() { # $1 = file
  { for name in "${PROCS[@]}"; do printf '%s %s\n' "$name" "$(ticks_of "${PID[$name]:-0}")"; done
    printf 'machine %s\n' "$(machine_ticks)"
    printf 'wall %s\n' "$(date +%s%N)"; } >"$1"
}

# ---------------------------------------------------------------------------------------------------------
# One Gatling run: $1 label, $2 simulation class (simple name), then -D options. Leaves $WORK/<label>.{before,after,log,run}.
MVN_FIRST=1
run_sim() {
  local label=$1 sim=$2; shift 2
  local log=$WORK/$label.log
  say "== $label: $sim $*"
  local offline=()
  [ "${FLASHKEY_OFFLINE:-0}" = 1 ] && offline=(-o)
  # test-compile on the first run only; the runs after it reuse the classes.
  local goals=(gatling:test)
  [ $MVN_FIRST = 1 ] && goals=(test-compile gatling:test) && MVN_FIRST=0
  MAVEN_OPTS=${MAVEN_OPTS:--Xmx768m} ./mvnw -B "${offline[@]}" -pl load-tests "${goals[@]}" \
    -Dsimulation="com.flashkey.loadtests.$sim" -DholdSeconds="$SECONDS_HOLD" -Dp99Millis=600000 "$@" >"$log" 2>&1 &
  local mvn=$!
  # The measured window is the simulation itself, not Maven's start-up or Gatling's report generation.
  while ! grep -q "Simulation com.flashkey.loadtests.$sim started" "$log" 2>/dev/null; do
    kill -0 "$mvn" 2>/dev/null || break
    sleep 0.2
  done
  snapshot "$WORK/$label.before"
  # Gatling 3.15 prints no "completed" line; "Parsing log file(s)" starts the report, after the last request.
  while ! grep -q -e "Simulation com.flashkey.loadtests.$sim completed" -e '^Parsing log file' "$log" 2>/dev/null; do
    kill -0 "$mvn" 2>/dev/null || break
    sleep 0.2
  done
  snapshot "$WORK/$label.after"
  local rc=0
  wait "$mvn" || rc=$?
  local lower run
  lower=$(printf '%s' "$sim" | tr 'A-Z' 'a-z')
  run=$(find load-tests/target/gatling -maxdepth 1 -type d -name "$lower-*" -newer "$WORK/$label.before" -printf '%T@ %p\n' 2>/dev/null |
        sort -n | tail -1 | cut -d' ' -f2-)
  printf '%s\n%s\n' "$rc" "$run" >"$WORK/$label.run"
  if [ -z "$run" ] || [ ! -f "$run/index.html" ]; then
    say "   no Gatling report (exit $rc); last lines of $log:"; tail -15 "$log" | sed 's/^/   /'
  else
    say "   exit $rc, report $run"
  fi
}

run_rc() { sed -n 1p "$WORK/$1.run" 2>/dev/null || echo "not run"; }
run_dir() { sed -n 2p "$WORK/$1.run" 2>/dev/null || true; }
# Gatling's statistics table as TSV: name total ok ko ko% rps min p50 p75 p95 p99 max mean stddev (ms).
stats_of() { local d; d=$(run_dir "$1"); [ -n "$d" ] && [ -f "$d/index.html" ] && load-tests/gatling-stats.sh "$d"; }
declare -A COL=([total]=2 [ko]=4 [rps]=6 [p50]=8 [p95]=10 [p99]=11 [max]=12)

# Markdown rows, one per request name: name | requests | KO | req/s | p50 | p95 | p99 | max.
request_rows() {
  stats_of "$1" | awk -F'\t' 'NR > 1 { printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $4, $6, $8, $10, $11, $12 }' || true
}
# One figure ($3 of COL) of request $2 ("All Requests" for the whole run) of run $1.
request_stat() { stats_of "$1" | awk -F'\t' -v n="$2" -v c="${COL[$3]}" '$1 == n { print $c; f = 1 } END { if (!f) print "?" }'; }
all_stat() { request_stat "$1" "All Requests" "$2"; }

# CPU table of a run: process | CPU s | % of one core | CPU ms per request; then the machine line and the top process.
cpu_rows() {
  local label=$1 requests
  requests=$(all_stat "$label" total)
  awk -v hz="$HZ" -v req="$requests" '
    FNR == NR { b[$1] = $2; if ($1 == "machine") bt = $3; next }
    { a[$1] = $2; if ($1 == "machine") at = $3 }
    END {
      wall = (a["wall"] - b["wall"]) / 1e9; if (wall <= 0) wall = 1
      top = ""; topv = -1; sum = 0
      for (k in a) if (k != "wall" && k != "machine" && a[k] != "NA" && b[k] != "NA") {
        s = (a[k] - b[k]) / hz; sum += s
        rows[k] = s
        if (s > topv) { topv = s; top = k }
      }
      n = asorti(rows, keys)
      # sort by CPU seconds, highest first
      for (i = 1; i <= n; i++) order[i] = keys[i]
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (rows[order[j]] > rows[order[i]]) { t = order[i]; order[i] = order[j]; order[j] = t }
      for (i = 1; i <= n; i++) {
        k = order[i]; s = rows[k]
        printf "| %s | %.1f | %.0f%% | %s |\n", k, s, 100 * s / wall, (req > 0 ? sprintf("%.2f", 1000 * s / req) : "-")
      }
      mb = (a["machine"] - b["machine"]) / hz; mt = (at - bt) / hz
      printf "| *suite total* | %.1f | %.0f%% | %s |\n", sum, 100 * sum / wall, (req > 0 ? sprintf("%.2f", 1000 * sum / req) : "-")
      printf "| *rest of the machine* (Gatling, other engineers) | %.1f | %.0f%% | - |\n", mb - sum, 100 * (mb - sum) / wall
      printf "\nWindow %.1f s; machine busy %.0f%% of its %d cores (%.1f of %.1f CPU-s). Busiest suite process: **%s** (%.0f%% of one core).\n", wall, (mt > 0 ? 100 * mb / mt : 0), '"$(nproc)"', mb, mt, top, 100 * topv / wall
    }' "$WORK/$label.before" "$WORK/$label.after"
}

# ---------------------------------------------------------------------------------------------------------
# The runs.
STARTED=$(date -u +%Y-%m-%dT%H:%M:%SZ)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
rm -f "$WORK"/*.run
for r in $RUNS; do
  case $r in
    browse-gateway) run_sim browse-gateway BrowseSimulation -Drate="$BROWSE_RATE" ;;
    browse-direct) run_sim browse-direct BrowseSimulation -Drate="$BROWSE_RATE" -DdirectUrl=http://127.0.0.1:8081 \
                     -DdirectStockUrl=http://127.0.0.1:8082 ;;
    callback-storm) run_sim callback-storm CallbackStormSimulation -Drate="$STORM_RATE" ;;
    flash-sale) run_sim flash-sale FlashSaleSimulation -Drate="$SALE_RATE" -Dstock="$SALE_STOCK" -DdrainSeconds=10 ;;
    *) die "unknown run in BENCH_RUNS: $r" ;;
  esac
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------------------------------------------------
# The report.
ratio() { awk -v g="$1" -v d="$2" 'BEGIN { if (d + 0 > 0 && g != "?" && g != "null") printf "%.2f", g / d; else print "-" }'; }
jvm_opts() { tr '\0' ' ' <"/proc/${PID[$1]:-0}/cmdline" 2>/dev/null | grep -o -e '-Xmx[^ ]*' -e '-XX:+Use[A-Za-z]*GC' | tr '\n' ' '; }

{
  say "# FlashKey benchmark results"
  say ""
  say "> **Shared-machine caveat.** Measured on a 2-core machine shared with other engineers' builds and tests, which"
  say "> were running during these runs (load average $LOAD_BEFORE before, $LOAD_AFTER after). Absolute figures are"
  say "> lower bounds of what the services do on a quiet machine; compare runs of the same report side by side"
  say "> (gateway vs direct), not across reports. The \"rest of the machine\" row shows how much CPU others took."
  say ""
  say "Regenerate: \`load-tests/run-benchmarks.sh\` against a running suite (\`FLASHKEY_TRUST_LOCAL_XFF=1 bin/flashkey up\`). Generated $STARTED"
  say "from commit \`$(git rev-parse --short HEAD 2>/dev/null || echo '?')\`."
  say ""
  say "## Machine and configuration"
  say ""
  say "| what | value |"
  say "|---|---|"
  say "| CPU | $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1) |"
  say "| memory | $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) |"
  say "| OS / Java | $(sed -n 's/^PRETTY_NAME=//p' /etc/os-release | tr -d '"'), $(java -version 2>&1 | head -1) |"
  say "| services | one instance each, \`bin/flashkey up\` defaults: $(jvm_opts gateway); AppCDS |"
  say "| Kafka | single KRaft broker, $(jvm_opts kafka); $(sed -n 's/^num.partitions=//p' "$FK/kafka/server.properties" 2>/dev/null || echo '?') partitions per topic |"
  say "| MariaDB / Redis | $(mariadbd --version 2>/dev/null | awk '{ print $3 }' || echo '?') / $(redis-server --version 2>/dev/null | awk '{ print $3 }' | tr -d 'v=') on the same machine |"
  say "| load generator | Gatling $(sed -n 's:.*<gatling.version>\(.*\)</gatling.version>.*:\1:p' pom.xml) on the same machine, open model; hold ${SECONDS_HOLD} s per run |"
  say ""
  say "Latency columns are Gatling's response-time percentiles in ms (its report's statistics table, read by
[gatling-stats.sh](gatling-stats.sh)), over all responses, KO included; req/s is the mean over the run; CPU is"
  say "utime+stime from /proc/<pid>/stat between Gatling's start and end of the simulation."
  say ""

  section() { # $1 label, $2 title, $3 description
    say "## $2"
    say ""
    say "$3"
    say ""
    local rc
    rc=$(run_rc "$1")
    if [ ! -f "$WORK/$1.run" ]; then say "Not run this time (BENCH_RUNS)."; say ""; return 0; fi
    if [ -z "$(stats_of "$1")" ]; then
      say "**No result**: the run produced no Gatling report (Maven/Gatling exit $rc). Last lines of its log:"
      say ""
      say '```'
      tail -12 "$WORK/$1.log" | cut -c1-200
      say '```'
      say ""
      return 0
    fi
    say "Throughput **$(all_stat "$1" rps) req/s** over $(all_stat "$1" total) requests ($(all_stat "$1" ko) KO); Gatling exit $rc$([ "$rc" = 0 ] || printf ' (an assertion or a failed request: see the KO column)')."
    say ""
    say "| request | count | KO | req/s | p50 | p95 | p99 | max |"
    say "|---|---|---|---|---|---|---|---|"
    request_rows "$1"
    say ""
    say "| process | CPU s | % of one core | CPU ms per request |"
    say "|---|---|---|---|"
    cpu_rows "$1"
    say ""
  }

  section browse-gateway "Browse through the gateway" \
    "Steady catalog and stock reads: each arrival reads one product, its stock and the first page of the list ($BROWSE_RATE arrivals/s = $((BROWSE_RATE * 3)) requests/s offered), through the gateway :8080."
  section browse-direct "Browse direct (no gateway)" \
    "The same requests at the same rate, straight to catalog :8081 (product, list) and inventory :8082 (stock)."

  say "### Gateway-hop ratio (gateway / direct, same requests, same run of this report)"
  say ""
  say "| request | p50 | p95 | p99 |"
  say "|---|---|---|---|"
  for r in product stock list; do
    say "| $r | $(ratio "$(request_stat browse-gateway "$r" p50)" "$(request_stat browse-direct "$r" p50)") | $(ratio "$(request_stat browse-gateway "$r" p95)" "$(request_stat browse-direct "$r" p95)") | $(ratio "$(request_stat browse-gateway "$r" p99)" "$(request_stat browse-direct "$r" p99)") |"
  done
  say ""
  say "Gatling reports whole milliseconds, so a ratio of two 1-2 ms figures is coarse; the CPU tables above show the"
  say "hop's cost directly (the gateway row of the first run, absent from the second)."
  say ""
  section callback-storm "CallbackStorm" \
    "Signed simpay webhooks at $STORM_RATE/s, 30% of them re-deliveries of an event already sent, through the gateway. Each must be acknowledged 200 once durably recorded."
  section flash-sale "FlashSale" \
    "A pulse of shoppers (ramp to $SALE_RATE/s in 2 s, hold ${SECONDS_HOLD} s) racing for $SALE_STOCK keys: browse, stock, buy (202, or 409 sold-out/limit, 429), pay through the simpay webhook; ends with the oversell check through the admin API (the \`consistency\` request: it fails the run on any breach)."
  say "## What limited each figure"
  say ""
  say "Read from the CPU tables: the busiest suite process of each run, and whether the machine itself was saturated"
  say "(machine busy near 100% means the figure is bounded by the shared CPU, not by the service):"
  say ""
  for l in browse-gateway browse-direct callback-storm flash-sale; do
    [ -n "$(stats_of "$l")" ] || continue
    say "- $l: $(cpu_rows "$l" | tail -1 | sed 's/^Window //')"
  done
} >"$OUT"
say "Wrote $OUT"
