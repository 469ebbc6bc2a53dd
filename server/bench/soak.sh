#!/usr/bin/env bash
# Soak of the AEIC server (not a test): for DURATION seconds a mix of good and hostile traffic runs against a server
# started here on localhost, and the server's RSS is printed every SAMPLE seconds, then the answers by status.
# The mix, all at once:
#   - compress of a Kodak-size photo at 8x the worker count (wrk)
#   - decompress of its .aeic stream at 2 connections (wrk)
#   - a loop of hostile requests: the largest image the pixel limit admits (a black PNG of 4096x3072, a few kB
#     that cost seconds of coding), an image over the limit, a stream declaring 7168x6144, abandoned multipart
#     bodies and 1 byte/s slow bodies (server/bench/attacks.py)
# Every loop is bounded by DURATION; traffic goes to 127.0.0.1 only.
#
#   server/bench/soak.sh [IMAGE] [-- extra server flags]
#
# Environment: DURATION (s, default 300), SAMPLE (s, default 10), PORT (default 18095),
# JAR (default server/target/aeic-server.jar), JAVA_OPTS (default "--add-modules jdk.incubator.vector").
set -euo pipefail
cd "$(dirname "$0")/../.."

IMAGE=../shared/datasets/kodak/kodim01.png
if [ $# -gt 0 ] && [ "$1" != "--" ]; then IMAGE=$1; shift; fi
if [ "${1:-}" = "--" ]; then shift; fi
DURATION=${DURATION:-300}
SAMPLE=${SAMPLE:-10}
PORT=${PORT:-18095}
JAR=${JAR:-server/target/aeic-server.jar}
JAVA_OPTS=${JAVA_OPTS:---add-modules jdk.incubator.vector}
WORKERS=${WORKERS:-$(nproc)}

command -v wrk >/dev/null || { echo "soak.sh: wrk is missing (apt-get install -y wrk)" >&2; exit 1; }
[ -f "$JAR" ] || { echo "soak.sh: $JAR is missing (mvn -pl server -am package -DskipTests)" >&2; exit 1; }

# shellcheck source=server/bench/lib.sh
. server/bench/lib.sh
start_server "$PORT" --workers "$WORKERS" "$@"
base="http://127.0.0.1:$PORT"

# inputs made here: the stream of IMAGE, a black PNG at the pixel limit, one over it, a stream declaring 7168x6144
curl -fs -H 'Content-Type: application/octet-stream' --data-binary @"$IMAGE" "$base/v1/compress?quality=4" -o "$tmp/img.aeic"
cat > "$tmp/Make.java" <<'JAVA'
import java.awt.image.BufferedImage; import java.io.File; import javax.imageio.ImageIO;
public class Make { public static void main(String[] a) throws Exception {
  ImageIO.write(new BufferedImage(4096, 3072, BufferedImage.TYPE_BYTE_GRAY), "png", new File(a[0] + "/limit.png"));
  ImageIO.write(new BufferedImage(7000, 7000, BufferedImage.TYPE_BYTE_GRAY), "png", new File(a[0] + "/over.png"));
} }
JAVA
java "$tmp/Make.java" "$tmp"
curl -fs -H 'Content-Type: application/octet-stream' --data-binary @"$tmp/limit.png" "$base/v1/compress?quality=1" \
  -o "$tmp/limit.aeic" || true
post_lua "$IMAGE" "$tmp/post.lua"
post_lua "$tmp/img.aeic" "$tmp/decompress.lua"

wrk -t2 -c$((8 * WORKERS)) -d"${DURATION}s" --timeout 300s -s "$tmp/post.lua" "$base/v1/compress?quality=4" \
  > "$tmp/wrk-compress.txt" 2>&1 &
bench_pids+=($!)
wrk -t1 -c2 -d"${DURATION}s" --timeout 300s -s "$tmp/decompress.lua" "$base/v1/decompress?format=png" \
  > "$tmp/wrk-decompress.txt" 2>&1 &
bench_pids+=($!)
(
  end=$((SECONDS + DURATION))
  while [ $SECONDS -lt "$end" ]; do
    for f in limit.png over.png; do
      curl -s -o /dev/null -w "hostile $f %{http_code}\n" -m 300 -H 'Content-Type: application/octet-stream' \
        --data-binary @"$tmp/$f" "$base/v1/compress?quality=1" &
    done
    [ -f "$tmp/limit.aeic" ] && curl -s -o /dev/null -w "hostile limit.aeic %{http_code}\n" -m 300 \
      -H 'Content-Type: image/x-aeic' --data-binary @"$tmp/limit.aeic" "$base/v1/decompress" &
    timeout 60 python3 server/bench/attacks.py --port "$PORT" --image "$IMAGE" --n 18 --slow-seconds 15 \
      --only abandoned,slow | sed 's/^/hostile /'
    wait
  done
) > "$tmp/hostile.txt" 2>&1 &
bench_pids+=($!)

printf '%6s %9s %9s %7s %6s\n' 't s' 'RSS MiB' 'peak MiB' busy queued
t0=$SECONDS
while [ $((SECONDS - t0)) -lt "$DURATION" ]; do
  sleep "$SAMPLE"
  kill -0 "$server_pid" 2>/dev/null || { echo "the server died:"; tail -5 "$tmp/server.log"; exit 1; }
  rss=$(awk '/VmRSS/{print int($2/1024)}' "/proc/$server_pid/status")
  hwm=$(awk '/VmHWM/{print int($2/1024)}' "/proc/$server_pid/status")
  h=$(curl -s -m 5 "$base/health" | tr -d ' \n' || true)  # a slow /health is a finding, not the end
  busy=$(sed -n 's/.*"busy":\([0-9]*\).*/\1/p' <<<"$h")
  queued=$(sed -n 's/.*"queued":\([0-9]*\).*/\1/p' <<<"$h")
  printf '%6s %9s %9s %7s %6s\n' $((SECONDS - t0)) "$rss" "$hwm" "${busy:--}" "${queued:--}"
done
for p in "${bench_pids[@]}"; do wait "$p" 2>/dev/null || true; done
bench_pids=()
echo "compress answers:   $(awk '$1=="status"{printf "%s x%s  ", $2, $3}' "$tmp/wrk-compress.txt")$(grep -o 'Socket errors.*' "$tmp/wrk-compress.txt" || true)"
echo "decompress answers: $(awk '$1=="status"{printf "%s x%s  ", $2, $3}' "$tmp/wrk-decompress.txt")$(grep -o 'Socket errors.*' "$tmp/wrk-decompress.txt" || true)"
echo "hostile answers:"
{ grep -E '^hostile (limit|over)' "$tmp/hostile.txt" || true; } | sort | uniq -c | sed 's/^/  /'
{ grep -E '^hostile (abandoned|slow)' "$tmp/hostile.txt" || true; } | tail -2 | sed 's/^/  /'
sleep 2
echo "after the soak: /health $(curl -s -m 10 "$base/health" | tr -d ' \n' || true); RSS $(awk '/VmRSS/{print int($2/1024)}' "/proc/$server_pid/status") MiB"
