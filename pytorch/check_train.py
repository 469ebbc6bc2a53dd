"""Runs train.py for a few steps on made-up crops (run by train's TorchMirrorTest).

usage: python3 check_train.py DIR
Starts from DIR/model.aeicm, trains 3 steps, resumes to step 5 (which must equal 5 steps in one go), and
leaves DIR/trained.aeicm for the Java side to read back. Then packs two whole images of different sizes as JPEG (pack_crops.py --whole --jpeg)
and trains 2 steps on them with the lr dropped by time, which must write the snapshot taken before the drop.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train  # noqa: E402
from aeic_torch import modelfile  # noqa: E402


def main(d):
    yy, xx = np.mgrid[0:48, 0:48]
    crops = np.stack([np.stack([(128 + 100 * np.sin(0.2 * xx + i + ch) * np.cos(0.15 * yy)) for ch in range(3)], -1)
                      for i in range(4)]).astype(np.uint8)
    np.savez_compressed(os.path.join(d, "crops.npz"), crops=crops)
    lambdas = ",".join(str(lam) for _, lam in modelfile.read(os.path.join(d, "model.aeicm"))["levels"])
    common = ["--crops", os.path.join(d, "crops.npz"), "--init", os.path.join(d, "model.aeicm"),
              "--out", os.path.join(d, "trained.aeicm"), "--lambda", lambdas, "--batch", "2", "--crop", "32",
              "--lr", "1e-3", "--lr-drop-step", "1000", "--device", "cpu"]
    train.main(common + ["--steps", "3"])
    train.main(common + ["--steps", "5", "--resume"])
    print("trained %d steps" % modelfile.read(os.path.join(d, "trained.aeicm"))["steps"])
    straight = [a if a != os.path.join(d, "trained.aeicm") else os.path.join(d, "straight.aeicm") for a in common]
    train.main(straight + ["--steps", "5"])
    resumed, direct = (modelfile.read(os.path.join(d, f))["tensors"] for f in ("trained.aeicm", "straight.aeicm"))
    print("resumed run equals the uninterrupted one: %s" % all(resumed[k] == direct[k] for k in direct))

    from PIL import Image
    import pack_crops
    os.makedirs(os.path.join(d, "images", "sub"), exist_ok=True)
    Image.fromarray(np.concatenate([crops[0], crops[1]], axis=1)[:48, :64]).save(os.path.join(d, "images", "a.png"))
    Image.fromarray(np.concatenate([crops[2], crops[3]], axis=0)[:56, :40]).save(os.path.join(d, "images", "sub", "b.png"))
    pack_crops.main(["--images", os.path.join(d, "images"), "--out", os.path.join(d, "whole.npz"), "--whole",
                     "--jpeg", "95", "--size", "32"])
    sizes = sorted(i.shape for i in train.load_crops(os.path.join(d, "whole.npz")))
    train.main(["--crops", os.path.join(d, "whole.npz"), "--init", os.path.join(d, "trained.aeicm"),
                "--out", os.path.join(d, "whole.aeicm"), "--lambda", lambdas, "--batch", "2", "--crop", "32",
                "--steps", "2", "--lr-drop-minutes", "1e-9", "--snapshot-before-drop", os.path.join(d, "pre.aeicm"),
                "--device", "cpu"])
    print("whole images %s: trained %d steps, snapshot before the drop at step %d" % (
        sizes, modelfile.read(os.path.join(d, "whole.aeicm"))["steps"],
        modelfile.read(os.path.join(d, "pre.aeicm"))["steps"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
