#!/usr/bin/env bash
# Load benchmark of the AEIC server (not a test): POST /v1/compress?quality=Q of one image with wrk at
# several concurrencies against a server started here on localhost; prints requests/s, p50/p99 latency,
# errors, the CPU the server got (100% = one core) and spent per request, the throughput ratio to
# concurrency 1, and the server's peak RSS. On a machine shared with other work, read the ratio together
# with the CPU share: the server cannot scale past the cores it is given.
#
#   server/bench/load.sh [IMAGE] [-- extra server flags]
#
# Environment: DURATION (s per level, default 40), WARMUP (s, default 15), LEVELS (default "1 2 8"),
# QUALITY (default 4), PORT (default 18090), JAR (default server/target/aeic-server.jar),
# JAVA_OPTS (default "--add-modules jdk.incubator.vector").
# Needs wrk (Debian: apt-get install -y wrk) and a built jar (mvn -pl server -am package -DskipTests).
set -euo pipefail
cd "$(dirname "$0")/../.."

IMAGE=${1:-/work/shared/datasets/kodak/kodim01.png}
shift || true
[ "${1:-}" = "--" ] && shift
DURATION=${DURATION:-40}
WARMUP=${WARMUP:-15}
LEVELS=${LEVELS:-"1 2 8"}
QUALITY=${QUALITY:-4}
PORT=${PORT:-18090}
JAR=${JAR:-server/target/aeic-server.jar}
JAVA_OPTS=${JAVA_OPTS:---add-modules jdk.incubator.vector}

command -v wrk >/dev/null || { echo "load.sh: wrk is missing (apt-get install -y wrk)" >&2; exit 1; }
[ -f "$JAR" ] || { echo "load.sh: $JAR is missing (mvn -pl server -am package -DskipTests)" >&2; exit 1; }
[ -f "$IMAGE" ] || { echo "load.sh: no image $IMAGE" >&2; exit 1; }

# shellcheck source=server/bench/lib.sh
. server/bench/lib.sh
post_lua "$IMAGE" "$tmp/post.lua"
start_server "$PORT" "$@"

url="http://127.0.0.1:$PORT/v1/compress?quality=$QUALITY"
dims=$(curl -fs -o /dev/null -D - -H 'Content-Type: application/octet-stream' --data-binary @"$IMAGE" "$url" \
  | tr -d '\r' | awk -F': ' 'tolower($1)=="x-aeic-width"{w=$2} tolower($1)=="x-aeic-height"{h=$2} tolower($1)=="x-aeic-bpp"{b=$2} END{print w "x" h ", " b " bpp"}')
echo "image: $IMAGE ($dims), quality $QUALITY; $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

if [ "$WARMUP" -gt 0 ]; then
  wrk -t2 -c2 -d"${WARMUP}s" --timeout 120s -s "$tmp/post.lua" "$url" > /dev/null
fi

# CPU seconds the server process has used (utime + stime), to tell a saturated machine from a serialized server
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$server_pid/stat"; }

printf '%-12s %8s %8s %8s %9s %7s %10s %12s %s\n' concurrency 'req/s' 'p50 ms' 'p99 ms' requests errors 'server CPU' 'CPU ms/req' 'ratio to c=1'
base=
for c in $LEVELS; do
  t=$(( c < 2 ? c : 2 ))
  cpu0=$(cpu_s); t0=$(date +%s.%N)
  out=$(wrk -t"$t" -c"$c" -d"${DURATION}s" --timeout 120s --latency -s "$tmp/post.lua" "$url")
  cpu1=$(cpu_s); t1=$(date +%s.%N)
  echo "$out" > "$tmp/wrk-$c.txt"
  rps=$(awk '/^Requests\/sec:/{print $2}' <<<"$out")
  n=$(awk '/requests in/{print $1}' <<<"$out")
  p50=$(awk '$1=="50%"{print $2}' <<<"$out")
  p99=$(awk '$1=="99%"{print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/{print $NF}' <<<"$out")
  sockerr=$(awk '/Socket errors/{gsub(",","");s=0;for(i=1;i<=NF;i++) if($i ~ /^[0-9]+$/) s+=$i; print s}' <<<"$out")
  errors=$(( ${non2xx:-0} + ${sockerr:-0} ))
  ms() { awk -v v="$1" 'BEGIN{ if (v ~ /ms$/) {sub(/ms$/,"",v); print v} else if (v ~ /us$/) {sub(/us$/,"",v); print v/1000} else if (v ~ /s$/) {sub(/s$/,"",v); print v*1000} else print v }'; }
  [ -z "$base" ] && base=$rps
  ratio=$(awk -v a="$rps" -v b="$base" 'BEGIN{printf "%.2f", a/b}')
  share=$(awk -v a="$cpu0" -v b="$cpu1" -v s="$t0" -v e="$t1" 'BEGIN{printf "%.0f%%", 100 * (b - a) / (e - s)}')
  perreq=$(awk -v a="$cpu0" -v b="$cpu1" -v n="$n" 'BEGIN{printf "%.0f", (n > 0 ? 1000 * (b - a) / n : 0)}')
  printf '%-12s %8s %8.0f %8.0f %9s %7s %10s %12s %s\n' "$c" "$rps" "$(ms "$p50")" "$(ms "$p99")" "$n" "$errors" \
    "$share" "$perreq" "$ratio"
done

hwm=$(awk '/VmHWM/{print $2}' "/proc/$server_pid/status")
echo "server peak RSS (VmHWM): $((hwm / 1024)) MiB; load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
curl -fs "http://127.0.0.1:$PORT/metrics" | grep -E '^aeic_(images|rejected_requests)_total' || true
