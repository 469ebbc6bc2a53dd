#!/usr/bin/env bash
# One device call: trains on the GPU for $MINUTES and leaves in $OUT the model (in parts of at most 15 MiB,
# the limit on files coming back), its sha256 and the log. Run from the repository root on the device with
# carry ["pytorch/data"] (start.aeicm and crops.npz, see README.md), for example:
#   LAMBDAS=0.0005,0.0009,0.0018,0.0035,0.0067,0.013,0.025,0.0483 MINUTES=8 bash pytorch/gpu-train.sh
# Back here: cat gpu.aeicm.part* > gpu.aeicm && sha256sum -c gpu.aeicm.sha256 (from the files' folder).
set -euo pipefail
: "${OUT:?OUT must name the folder that comes back}" "${LAMBDAS:?set LAMBDAS to the λ list of the model}"
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || true
python3 pytorch/train.py --crops pytorch/data/crops.npz --init pytorch/data/start.aeicm --out /tmp/gpu.aeicm \
    --lambda "$LAMBDAS" --batch "${BATCH:-16}" --crop "${CROP:-128}" --lr "${LR:-1e-4}" --minutes "${MINUTES:-8}" \
    --checkpoint-minutes 2 ${DEVICE:+--device "$DEVICE"} 2>&1 | tee "$OUT/train.log"
split -b 15M -d /tmp/gpu.aeicm "$OUT/gpu.aeicm.part"
(cd /tmp && sha256sum gpu.aeicm) > "$OUT/gpu.aeicm.sha256"
ls -l "$OUT"
