"""Checks the PyTorch mirror of the checkerboard context model against the Java codec (run by TorchMirrorTest).

usage: python3 check_context.py DIR
DIR holds model.aeicm (a "checkerboard-gdn" or "checkerboard3-gdn" model) and what the Java side computed, as raw
little-endian float32: y.bin (a latent, shape in shape.txt as "M h w level"), anchors.bin (ŷ of its anchors as
the codec dequantizes them, 0 elsewhere), musigma.bin (c_x of that: μ then raw σ) and, for three passes,
musigma1.bin (c_1 of the anchors with row and column even, on their own grid). Prints one line per compared quantity and exits 1
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
    sub = C.sub_from_tensors(f["tensors"], net.n, net.m)
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
        if sub is not None:
            mu1, sigma1 = sub(a[:, :, ::2, ::2])
            close("c_1 mu, sigma", torch.cat([mu1, sigma1], 1), load(d, "musigma1.bin"), failures)
            bits = C.rates3(ctx, sub, lv.log_gain[None], lv.prior[None], y, None, coded=True)
        else:
            bits = C.rates(ctx, lv.log_gain[None], lv.prior[None], y, None, coded=True)
        print("ideal bits of the latent per pass: " + ", ".join("%.1f" % b.item() for b in bits))
        if not all(b.item() > 0 for b in bits):
            failures.append("rate")
    with open(os.path.join(d, "roundtrip.aeicm"), "wb") as out:
        out.write(modelfile.encode("roundtrip-checkerboard", net.n, net.m, M.to_tensors(net, levels)
                                   + C.to_tensors(ctx) + (C.to_tensors(sub) if sub is not None else []),
                                   [(lv.quality, lv.lam) for lv in levels], {"trainer": "check_context.py", "steps": 3},
                                   kind="checkerboard3-gdn" if sub is not None else "checkerboard-gdn"))
    if failures:
        print("MISMATCH: " + ", ".join(failures))
        return 1
    print("context mirror matches the Java codec")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
