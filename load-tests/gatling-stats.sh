#!/usr/bin/env bash
# Prints the statistics table of a Gatling run (its index.html; Gatling 3.15 writes no stats.json) as tab-separated
# lines: name total ok ko ko% rps min p50 p75 p95 p99 max mean stddev (times in ms). The first line is
# "All Requests", then one line per request name. Used by bin/flashkey sale and load-tests/run-benchmarks.sh.
#
#   load-tests/gatling-stats.sh load-tests/target/gatling/<run>
set -euo pipefail
[ -f "${1:-}/index.html" ] || { printf 'usage: %s <gatling run directory with index.html>\n' "$0" >&2; exit 2; }
awk '
  /class="ellipsed-name">/ { name = $0; sub(/.*class="ellipsed-name">/, "", name); sub(/<\/span>.*/, "", name); n = 0; next }
  name != "" && /<td class="value [a-z]+ col-[0-9]+">/ {
    v = $0; sub(/.*col-[0-9]+">/, "", v); sub(/<\/td>.*/, "", v); vals[++n] = v; next
  }
  name != "" && /<\/tr>/ {
    line = name; for (i = 1; i <= n; i++) line = line "\t" vals[i]; print line; name = ""
  }
' "$1/index.html"
