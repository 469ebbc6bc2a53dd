#!/usr/bin/env bash
# One device call: trains on the GPU for $MINUTES (lr ÷10 after $DROP_MINUTES) and leaves in $OUT the model
# (written there every 2 minutes, so a call cut short still brings one back), the model just before the lr
# drop, their sha256 and the log. Run from the repository root on the device with carry ["pytorch/data"]
# (crops.npz, see README.md), for example:
#   INIT=models/aeic-vr-n128m192.aeicm LAMBDAS=0.0012,...,0.12 MINUTES=8 bash pytorch/gpu-train.sh [train.py options]
# MINUTES governs (STEPS is unbounded unless set).
# A model over 15 MiB (the limit on files coming back is 16 MiB) comes back in parts: cat gpu.aeicm.part* >
# gpu.aeicm && sha256sum -c gpu.aeicm.sha256 (from the files' folder).
set -euo pipefail
: "${OUT:?OUT must name the folder that comes back}" "${LAMBDAS:?set LAMBDAS to the λ list of the model}"
: "${INIT:?set INIT to the model file to start from}"
export PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || true
MINUTES="${MINUTES:-8}"
python3 pytorch/train.py --crops "${CROPS:-pytorch/data/crops.npz}" --init "$INIT" --out "$OUT/gpu.aeicm" \
    --state /tmp/gpu.pt --lambda "$LAMBDAS" --batch "${BATCH:-32}" --crop "${CROP:-192}" --lr "${LR:-1e-4}" \
    --minutes "$MINUTES" --lr-drop-minutes "${DROP_MINUTES:-$(python3 -c "print(0.85 * $MINUTES)")}" \
    --snapshot-before-drop "$OUT/gpu-predrop.aeicm" --checkpoint-minutes 2 --channels-last "${CHANNELS_LAST:-auto}" \
    --steps "${STEPS:-100000000}" --seed "${SEED:-1}" ${DEVICE:+--device "$DEVICE"} "$@" 2>&1 | tee "$OUT/train.log"
cd "$OUT"
for f in gpu.aeicm gpu-predrop.aeicm; do
    [ -f "$f" ] || continue
    sha256sum "$f" > "$f.sha256"
    if [ "$(stat -c %s "$f")" -gt $((15 * 1024 * 1024)) ]; then
        split -b 15M -d "$f" "$f.part" && rm "$f"
    fi
done
ls -l
