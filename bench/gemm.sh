#!/usr/bin/env bash
# GEMM speed against the machine's measured FMA peak, for each vector width asked for (x86: -XX:UseAVX=N; 3 is
# AVX-512, 2 is AVX2, on a machine that has AVX-512 both can be measured). JMH: GemmBenchmark.aeic* (M=128, K=3200,
# N=4096, 3.355 GFLOP per call, B streamed from memory), GemmBenchmark.conv* (the GEMM as a convolution runs it:
# the analysis' second convolution on a Kodak image, 20.1 GFLOP, im2col included) and FmaPeakBenchmark (one core).
# Prints GFLOPS and the percentage of the peak (of one core for one thread, of all cores for the parallel runs).
#
#   bench/gemm.sh [USE_AVX ...]        e.g. bench/gemm.sh 3 2 ; with no argument, the JVM's default
#
# Needs bench/target/benchmarks.jar (mvn -B -q package -DskipTests).
set -euo pipefail
cd "$(dirname "$0")/.."
jar=bench/target/benchmarks.jar
[[ -f $jar ]] || { echo "gemm.sh: $jar not found (mvn -B -q package -DskipTests)" >&2; exit 1; }
flags=$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null || true)
echo "lscpu: $(lscpu | grep -m1 'Model name' | sed 's/ \+/ /g'); $(grep -o 'avx512f\|avx2' <<<"$flags" | sort -u | tr '\n' ' ')$(nproc) cores"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
settings=("$@")
(( ${#settings[@]} > 0 )) || settings=(default)
for avx in "${settings[@]}"; do
  jvm="--add-modules jdk.incubator.vector"
  lanes=8
  if [[ $avx == default ]]; then
    grep -q avx512f <<<"$flags" && lanes=16
  else
    jvm+=" -XX:UseAVX=$avx"
    (( avx >= 3 )) && grep -q avx512f <<<"$flags" && lanes=16
    (( avx == 1 )) && lanes=8
  fi
  java -jar "$jar" 'GemmBenchmark.(aeic|conv)|FmaPeakBenchmark' -jvmArgsAppend "$jvm" -f 1 -wi 3 -i 5 \
      -rf json -rff "$out/$avx.json" > "$out/$avx.log" 2>&1 || { cat "$out/$avx.log"; exit 1; }
  python3 - "$out/$avx.json" "$avx" "$lanes" "$(nproc)" <<'PY'
import json, sys
runs = {r["benchmark"].rsplit(".", 1)[1]: r["primaryMetric"] for r in json.load(open(sys.argv[1]))}
avx, lanes, cores = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
peak = 2 * 12 * lanes * (1 << 22) / (runs["fma12"]["score"] * 1e6)
print("UseAVX=%s (%d-float vectors): FMA peak %.1f GFLOPS per core" % (avx, lanes, peak))
for name, threads in (("aeicSingleThread", 1), ("aeicParallel", cores)):
    ms = runs[name]["score"]
    g = 2 * 128 * 3200 * 4096 / (ms * 1e6)
    print("  %-17s %7.2f ms ± %.2f  %6.1f GFLOPS  %3.0f %% of %d-core peak" % (
        name, ms, runs[name]["scoreError"], g, 100 * g / (peak * threads), threads))
for name, threads in (("convSingleThread", 1), ("convParallel", cores)):  # 20.1 GFLOP: GemmBenchmark.Convolution.FLOP
    ms = runs[name]["score"]
    g = 2 * 128 * 128 * 25 * 128 * 192 / (ms * 1e6)
    print("  %-17s %7.2f ms ± %.2f  %6.1f GFLOPS  %3.0f %% of %d-core peak" % (
        name, ms, runs[name]["scoreError"], g, 100 * g / (peak * threads), threads))
PY
done
