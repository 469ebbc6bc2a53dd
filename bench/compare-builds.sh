#!/usr/bin/env bash
# Warm encode and decode time of two builds (two aeic.jar files) on one image, in one JVM at a time, codings of
# the two alternating (bench/PairedBuilds.java); run twice with the builds loaded in both orders, since the build
# loaded second ran 2-5 % faster on this project's machines whichever it was. Prints each run and the effect of B
# against A: the geometric mean of (B / A, A loaded first) and 1 / (A / B, B loaded first). Two copies of one jar
# gave 0.96-1.04 with 40 rounds: smaller effects need more rounds or more runs.
#
#   bench/compare-builds.sh A.jar B.jar [IMAGE] [ROUNDS]     IMAGE: kodim01 where ../shared has it
#   git stash; mvn -B -q package -DskipTests; cp cli/target/aeic.jar /tmp/a.jar; git stash pop
#   mvn -B -q package -DskipTests; bench/compare-builds.sh /tmp/a.jar cli/target/aeic.jar ../shared/datasets/kodak/kodim01.png 40
#
# JVM options for both runs: AEIC_JAVA_OPTS (e.g. -XX:UseAVX=2 for AVX2 on a machine with AVX-512).
set -euo pipefail
cd "$(dirname "$0")/.."
usage="usage: bench/compare-builds.sh A.jar B.jar [IMAGE] [ROUNDS]"
a=${1:?$usage}
b=${2:?$usage}
image=${3:-../shared/datasets/kodak/kodim01.png}
[[ -n ${3:-} || -f $image ]] || image=testdata/sample.png # 256 x 192
rounds=${4:-40}
for f in "$a" "$b" "$image"; do [[ -f $f ]] || { echo "compare-builds.sh: no file $f" >&2; exit 1; }; done
echo "lscpu: $(lscpu | grep -m1 'Model name' | sed 's/ \+/ /g'); $(grep -m1 '^flags' /proc/cpuinfo | grep -o 'avx512f\|avx2' | sort -u | tr '\n' ' ')$(nproc) cores; $(java -version 2>&1 | head -1)"
# shellcheck disable=SC2206 # word splitting of AEIC_JAVA_OPTS is intended
jvm=(--add-modules jdk.incubator.vector ${AEIC_JAVA_OPTS:-})
run() { java "${jvm[@]}" bench/PairedBuilds.java "$rounds" "$image" "$1" "$2" 2>&1 | grep -v '^WARNING: Using incubator\|^warning: using incubating\|^1 warning$'; }
echo "A loaded first (A = $a, B = $b):"
first=$(run "$a" "$b"); echo "$first"
echo "B loaded first (A = $b, B = $a in these lines):"
second=$(run "$b" "$a"); echo "$second"
python3 - "$(grep '^ratios' <<<"$first")" "$(grep '^ratios' <<<"$second")" <<'PY'
import math, sys
ab = [float(x) for x in sys.argv[1].split()[1:]]
ba = [float(x) for x in sys.argv[2].split()[1:]]
print("effect of B against A (time B / A): encode %.3f, decode %.3f" % tuple(math.sqrt(x / y) for x, y in zip(ab, ba)))
PY
