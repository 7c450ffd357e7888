#!/usr/bin/env bash
# CPU profile of running FlashKey processes with async-profiler, loaded through the JDK Attach API.
#
#   load-tests/profile/profile.sh SECONDS OUT_DIR NAME[=PID] ...
#     NAME is a service of `bin/flashkey` (gateway, catalog-service, ...; its pid comes from .flashkey/pids), or any
#     label with =PID of a JVM (others are refused: the Attach API's SIGQUIT would stop them). Each process gets `start,event=itimer,interval=1ms,threads`, then after SECONDS
#     `stop,file=OUT_DIR/NAME.collapsed,collapsed`; load-tests/profile/summarise.py then prints where the CPU went.
#   env: ASYNC_PROFILER_SO (default: unpacked once from tools.profiler:async-profiler:4.1:jar:linux-x64 in ~/.m2,
#        fetched with `mvn dependency:get` if missing), FLASHKEY_HOME (.flashkey)
# Start the load first (and let the JIT settle); profile only on a machine where nothing else runs.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -ge 3 ] || { sed -n '2,10p' "$0"; exit 2; }
SECS=$1 OUT=$2; shift 2
mkdir -p "$OUT"
FK=${FLASHKEY_HOME:-$ROOT/.flashkey}
LIB=${ASYNC_PROFILER_SO:-}
if [ -z "$LIB" ]; then
  JAR=$HOME/.m2/repository/tools/profiler/async-profiler/4.1/async-profiler-4.1-linux-x64.jar
  [ -f "$JAR" ] || mvn -q -B dependency:get -Dartifact=tools.profiler:async-profiler:4.1:jar:linux-x64 >/dev/null
  LIB=${TMPDIR:-/tmp}/async-profiler-4.1/libasyncProfiler.so
  if [ ! -f "$LIB" ]; then
    mkdir -p "$(dirname "$LIB")"
    unzip -o -j -q "$JAR" '*libasyncProfiler.so' -d "$(dirname "$LIB")"
  fi
fi
ATTACH_DIR=${TMPDIR:-/tmp}/flashkey-attach
mkdir -p "$ATTACH_DIR"; [ -f "$ATTACH_DIR/Attach.class" ] || javac -d "$ATTACH_DIR" "$ROOT/load-tests/profile/Attach.java"
declare -A PID
for target in "$@"; do
  name=${target%%=*}
  if [[ $target == *=* ]]; then PID[$name]=${target#*=}; else PID[$name]=$(cat "$FK/pids/$name.pid"); fi
done
# The Attach API signals its target with SIGQUIT, which stops any process that is not a JVM (redis-server, mariadbd).
for name in "${!PID[@]}"; do
  if ! tr '\0' ' ' <"/proc/${PID[$name]}/cmdline" 2>/dev/null | grep -q java; then
    echo "$name (pid ${PID[$name]}) is not a running JVM: attaching would send it SIGQUIT; not profiled" >&2
    unset "PID[$name]"
  fi
done
[ ${#PID[@]} -gt 0 ] || exit 2
for name in "${!PID[@]}"; do java -cp "$ATTACH_DIR" Attach "${PID[$name]}" "$LIB" "start,event=itimer,interval=1ms,threads" & done
wait
sleep "$SECS"
for name in "${!PID[@]}"; do java -cp "$ATTACH_DIR" Attach "${PID[$name]}" "$LIB" "stop,file=$OUT/$name.collapsed,collapsed" & done
wait
for name in "${!PID[@]}"; do
  echo "== $name"
  python3 "$ROOT/load-tests/profile/summarise.py" "$OUT/$name.collapsed" 15
done
