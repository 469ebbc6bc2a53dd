"""Checks the PyTorch mirror of the mean-scale hyperprior against the Java codec (run by train's TorchMirrorTest).

usage: python3 check_hyper.py DIR
DIR holds model.aeicm (a "mean-scale-gdn" model) and what the Java side computed, as raw little-endian float32:
y.bin (a latent, shape in shape.txt as "M h w level"), z.bin (h_a of it), zhat.bin (the hyper-latent as the codec
dequantizes it) and musigma.bin (h_s of zhat: μ then raw σ). Prints one line per compared quantity and exits 1 if
any differs by more than 1e-3 of its magnitude; writes the hyperprior back as roundtrip.aeicm (what
train_hyper.py exports) for the Java side to read.
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from aeic_torch import hyper as H  # noqa: E402
from aeic_torch import model as M  # noqa: E402
from aeic_torch import modelfile  # noqa: E402
from check_mirror import close, load  # noqa: E402


def main(d):
    f = modelfile.read(os.path.join(d, "model.aeicm"))
    net, levels = M.from_file(f)
    hp, z_levels = H.from_tensors(f["tensors"], net.n, net.m, len(levels))
    m, h, w, level = (int(v) for v in open(os.path.join(d, "shape.txt")).read().split())
    y = load(d, "y.bin").view(1, m, h, w)
    failures = []
    with torch.no_grad():
        z = hp.analysis(y)
        close("hyper-analysis z", z, load(d, "z.bin"), failures)
        z_hat = load(d, "zhat.bin").view_as(z)
        mu, sigma = hp.synthesis(z_hat, h, w)
        close("hyper-synthesis mu, sigma", torch.cat([mu, sigma], 1), load(d, "musigma.bin"), failures)
        zl = z_levels[level]
        by, bz = H.coded_rate(hp, levels[level].log_gain[None], zl.z_log_gain[None], zl.z_prior[None], y)
        print("ideal bits of the latent: y %.1f, z %.1f" % (by.item(), bz.item()))
        if not (by.item() > 0 and bz.item() >= 0):
            failures.append("rate")
    with open(os.path.join(d, "roundtrip.aeicm"), "wb") as out:
        tensors = []
        for name, p in list(net.named_parameters()) + [("prior.params", net.prior_params)]:
            tensors.append((name, list(p.shape), p.detach().contiguous().numpy().astype("<f4").tobytes()))
        for i, lv in enumerate(levels):
            tensors.append(("level.%d.log_gain" % i, [net.m], lv.log_gain.detach().numpy().astype("<f4").tobytes()))
        tensors += H.to_tensors(hp, z_levels)
        out.write(modelfile.encode("roundtrip-hyper", net.n, net.m, tensors, [(lv.quality, lv.lam) for lv in levels],
                                   {"trainer": "check_hyper.py", "steps": 3}, kind="mean-scale-gdn"))
    if failures:
        print("MISMATCH: " + ", ".join(failures))
        return 1
    print("hyperprior mirror matches the Java codec")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
