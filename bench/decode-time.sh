#!/usr/bin/env bash
# Decode (and encode) time of two models at one quality, measured in one run: `aeic eval` of each model in turn,
# ROUNDS times alternating, so that a change in machine load hits both alike. Prints each run and the ratio of
# the means (B / A).
#
#   bench/decode-time.sh IMAGES_DIR [MODEL_A] [MODEL_B] [QUALITY] [ROUNDS]
#   bench/decode-time.sh ../shared/datasets/kodak aeic-vr-n128m192 aeic-msh-n128m192 4 3
#
# A model is a bundled id or a model file. Needs cli/target/aeic.jar (mvn -B -q package -DskipTests).
set -euo pipefail
cd "$(dirname "$0")/.."
images=${1:?usage: bench/decode-time.sh IMAGES_DIR [MODEL_A] [MODEL_B] [QUALITY] [ROUNDS]}
a=${2:-aeic-vr-n128m192}
b=${3:-aeic-msh-n128m192}
q=${4:-4}
rounds=${5:-3}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "lscpu: $(lscpu | grep -m1 'Model name' | sed 's/ \+/ /g'); $(lscpu | grep -o 'avx512f\|avx2' | sort -u | tr '\n' ' ')"
for r in $(seq 1 "$rounds"); do
  for m in a b; do
    model=${!m}
    java --add-modules jdk.incubator.vector -jar cli/target/aeic.jar eval --images "$images" -q "$q" \
        --model "$model" --out "$out/$m-$r.json" > "$out/$m-$r.log" 2>&1
    python3 - "$out/$m-$r.json" "$model" "$r" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))["results"]
print("round %s  %-28s bpp %.4f  PSNR %.3f  encode %.3f s  decode %.3f s" % (
    sys.argv[3], sys.argv[2], e["bpp"][0], e["psnr-rgb"][0], e["encoding_time"][0], e["decoding_time"][0]))
PY
  done
done
python3 - "$out" "$rounds" <<'PY'
import json, sys
d, n = sys.argv[1], int(sys.argv[2])
mean = lambda m, k: sum(json.load(open("%s/%s-%d.json" % (d, m, r)))["results"][k][0] for r in range(1, n + 1)) / n
for k in ("encoding_time", "decoding_time"):
    print("%s: A %.3f s, B %.3f s, B/A %.3f" % (k, mean("a", k), mean("b", k), mean("b", k) / mean("a", k)))
PY
