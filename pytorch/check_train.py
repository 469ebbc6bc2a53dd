"""Runs train.py for a few steps on made-up crops (run by codec's TorchMirrorTest).

usage: python3 check_train.py DIR
Starts from DIR/model.aeicm, trains 3 steps, resumes to step 5, and leaves DIR/trained.aeicm for the
Java side to read back.
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
              "--lr", "1e-3", "--device", "cpu"]
    train.main(common + ["--steps", "3"])
    train.main(common + ["--steps", "5", "--resume"])
    print("trained %d steps" % modelfile.read(os.path.join(d, "trained.aeicm"))["steps"])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
