"""Checks the PyTorch mirror of the checkerboard context model against the Java codec (run by TorchMirrorTest).

usage: python3 check_context.py DIR
DIR holds model.aeicm (a "checkerboard-gdn" model) and what the Java side computed, as raw little-endian float32:
y.bin (a latent, shape in shape.txt as "M h w level"), anchors.bin (ŷ of its anchors as the codec dequantizes
them, 0 elsewhere) and musigma.bin (c_x of that: μ then raw σ). Prints one line per compared quantity and exits 1
if any differs by more than 1e-3 of its magnitude; writes the model back as roundtrip.aeicm (what
train_context.py exports) for the Java side to read.
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from aeic_torch import context as C  # noqa: E402
from aeic_torch import model as M  # noqa: E402
from aeic_torch import modelfile  # noqa: E402
from check_mirror import close, load  # noqa: E402


def main(d):
    f = modelfile.read(os.path.join(d, "model.aeicm"))
    net, levels = M.from_file(f)
    ctx = C.from_tensors(f["tensors"], net.n, net.m)
    m, h, w, level = (int(v) for v in open(os.path.join(d, "shape.txt")).read().split())
    y = load(d, "y.bin").view(1, m, h, w)
    failures = []
    with torch.no_grad():
        lv = levels[level]
        g = torch.exp(lv.log_gain)[None, :, None, None]
        c = M.center(lv.prior)[None, :, None, None]
        a = (torch.floor(y * g - c + 0.5) + c) / g * C.anchors(h, w)
        close("anchors' y-hat", a, load(d, "anchors.bin"), failures)
        mu, sigma = ctx(load(d, "anchors.bin").view(1, m, h, w))
        close("context mu, sigma", torch.cat([mu, sigma], 1), load(d, "musigma.bin"), failures)
        ba, bn = C.coded_rates(ctx, lv.log_gain[None], lv.prior[None], y)
        print("ideal bits of the latent: anchors %.1f, others %.1f" % (ba.item(), bn.item()))
        if not (ba.item() > 0 and bn.item() > 0):
            failures.append("rate")
    with open(os.path.join(d, "roundtrip.aeicm"), "wb") as out:
        out.write(modelfile.encode("roundtrip-checkerboard", net.n, net.m, M.to_tensors(net, levels)
                                   + C.to_tensors(ctx), [(lv.quality, lv.lam) for lv in levels],
                                   {"trainer": "check_context.py", "steps": 3}, kind="checkerboard-gdn"))
    if failures:
        print("MISMATCH: " + ", ".join(failures))
        return 1
    print("context mirror matches the Java codec")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
