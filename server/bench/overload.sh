#!/usr/bin/env bash
# Overload benchmark of the AEIC server (not a test): POST /v1/compress of one image with wrk at 1x, 2x, 4x, 8x
# and 16x the worker count, against a server started here on localhost. Per level it prints the answers by class
# (200 / refused = 429 or 503 / other, socket errors included in other), goodput (200s per second), all
# answers per second, p50/p99 latency over all answers (wrk cannot split them by status), and at the end the
# server's peak RSS.
#
#   server/bench/overload.sh [IMAGE] [-- extra server flags]
#
# Environment: DURATION (s per level, default 20), WARMUP (s, default 10), FACTORS (default "1 2 4 8 16"),
# WORKERS (default: nproc), QUALITY (default 4), PORT (default 18091), JAR (default server/target/aeic-server.jar),
# JAVA_OPTS (default "--add-modules jdk.incubator.vector").
# Needs wrk (Debian: apt-get install -y wrk) and a built jar (mvn -pl server -am package -DskipTests).
set -euo pipefail
cd "$(dirname "$0")/../.."

IMAGE=../shared/datasets/kodak/kodim01.png
if [ $# -gt 0 ] && [ "$1" != "--" ]; then IMAGE=$1; shift; fi
if [ "${1:-}" = "--" ]; then shift; fi
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-10}
FACTORS=${FACTORS:-"1 2 4 8 16"}
WORKERS=${WORKERS:-$(nproc)}
QUALITY=${QUALITY:-4}
PORT=${PORT:-18091}
JAR=${JAR:-server/target/aeic-server.jar}
JAVA_OPTS=${JAVA_OPTS:---add-modules jdk.incubator.vector}

command -v wrk >/dev/null || { echo "overload.sh: wrk is missing (apt-get install -y wrk)" >&2; exit 1; }
[ -f "$JAR" ] || { echo "overload.sh: $JAR is missing (mvn -pl server -am package -DskipTests)" >&2; exit 1; }
[ -f "$IMAGE" ] || { echo "overload.sh: no image $IMAGE" >&2; exit 1; }

# shellcheck source=server/bench/lib.sh
. server/bench/lib.sh
post_lua "$IMAGE" "$tmp/post.lua"
start_server "$PORT" --workers "$WORKERS" "$@"
url="http://127.0.0.1:$PORT/v1/compress?quality=$QUALITY"
echo "image: $IMAGE, quality $QUALITY; $WORKERS workers; $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs);" \
  "$(grep -o -m1 -w 'avx512f' /proc/cpuinfo || echo 'no avx512f')"
[ "$WARMUP" -gt 0 ] && wrk -t1 -c"$WORKERS" -d"${WARMUP}s" --timeout 60s -s "$tmp/post.lua" "$url" > /dev/null

ms() { awk -v v="$1" 'BEGIN{ if (v ~ /ms$/) {sub(/ms$/,"",v); print v} else if (v ~ /us$/) {sub(/us$/,"",v); print v/1000} else if (v ~ /s$/) {sub(/s$/,"",v); print v*1000} else print v }'; }
printf '%-8s %5s %7s %8s %6s %9s %8s %8s %8s %s\n' factor conns 200 refused other 'good/s' 'all/s' 'p50 ms' 'p99 ms' 'goodput ratio to 1x'
base=
for f in $FACTORS; do
  c=$(( f * WORKERS ))
  t=$(( c < 2 ? c : 2 ))
  out=$(wrk -t"$t" -c"$c" -d"${DURATION}s" --timeout 60s --latency -s "$tmp/post.lua" "$url")
  echo "$out" > "$tmp/wrk-$f.txt"
  ok=$(awk '$1=="status" && $2==200 {s+=$3} END{print s+0}' <<<"$out")
  refused=$(awk '$1=="status" && ($2==429 || $2==503) {s+=$3} END{print s+0}' <<<"$out")
  answered=$(awk '$1=="status" {s+=$3} END{print s+0}' <<<"$out")
  sockerr=$(awk '/Socket errors/{gsub(",","");s=0;for(i=1;i<=NF;i++) if($i ~ /^[0-9]+$/) s+=$i; print s}' <<<"$out")
  other=$(( answered - ok - refused + ${sockerr:-0} ))
  p50=$(awk '$1=="50%"{print $2}' <<<"$out")
  p99=$(awk '$1=="99%"{print $2}' <<<"$out")
  good=$(awk -v n="$ok" -v d="$DURATION" 'BEGIN{printf "%.2f", n / d}')
  all=$(awk -v n="$answered" -v d="$DURATION" 'BEGIN{printf "%.1f", n / d}')
  [ -z "$base" ] && base=$good
  ratio=$(awk -v a="$good" -v b="$base" 'BEGIN{printf "%.2f", (b > 0 ? a / b : 0)}')
  printf '%-8s %5s %7s %8s %6s %9s %8s %8.0f %8.0f %s\n' "${f}x" "$c" "$ok" "$refused" "$other" "$good" "$all" \
    "$(ms "$p50")" "$(ms "$p99")" "$ratio"
done
hwm=$(awk '/VmHWM/{print $2}' "/proc/$server_pid/status")
echo "server peak RSS (VmHWM): $((hwm / 1024)) MiB"
curl -fs "http://127.0.0.1:$PORT/health" | tr -d '\n ' ; echo
