"""Checks the PyTorch mirror against the Java trainer on shared weights (run by train's TorchMirrorTest).

usage: python3 check_mirror.py DIR
DIR holds model.aeicm and the raw little-endian float32 files the Java test wrote: x.bin (one crop,
3×H×W), noise.bin (the rate noise of Trainer.sampleStep), y.bin (analysis), xhat.bin (synthesis of the
rounded latent), loss.txt ("level weight loss bpp mse") and grad.<name>.bin for every parameter.
Prints one line per compared quantity and exits 1 if any differs by more than 1e-3 of its magnitude;
writes the model back as roundtrip.aeicm (the export train.py uses) for the Java side to read.
"""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from aeic_torch import model as M  # noqa: E402
from aeic_torch import modelfile  # noqa: E402

TOLERANCE = 1e-3


def load(d, name, shape=None):
    a = np.fromfile(os.path.join(d, name), dtype="<f4")
    return torch.from_numpy(a.reshape(shape) if shape is not None else a)


def close(label, got, want, failures):
    got, want = got.detach().double().flatten(), want.double().flatten()
    scale = max(want.abs().max().item(), 1e-12)
    err = (got - want).abs().max().item() / scale
    print("%-28s max |diff| / max |java| = %.2e" % (label, err))
    if not err <= TOLERANCE or got.numel() != want.numel():
        failures.append(label)


def main(d):
    torch.manual_seed(0)
    net, levels = M.from_file(modelfile.read(os.path.join(d, "model.aeicm")))
    with open(os.path.join(d, "loss.txt")) as f:
        level, weight, loss_j, bpp_j, mse_j = f.read().split()
    level, weight = int(level), float(weight)
    x = load(d, "x.bin").view(1, 3, -1, int(open(os.path.join(d, "width.txt")).read()))
    failures = []
    y = net.analysis(x)
    close("analysis y", y, load(d, "y.bin"), failures)
    noise = load(d, "noise.bin").view_as(y)
    lv = levels[level]
    gain = torch.exp(lv.log_gain).view(1, -1, 1, 1)
    center = M.center(lv.prior).view(1, -1, 1, 1)
    y_hat = (torch.floor(y * gain - center + 0.5) + center) / gain
    close("synthesis of rounded y", net.synthesis(y_hat), load(d, "xhat.bin"), failures)
    loss, bpp, mse = M.sample_loss(net, lv, weight, x, noise)
    close("bpp", bpp, torch.tensor([float(bpp_j)]), failures)
    close("mse", mse, torch.tensor([float(mse_j)]), failures)
    close("loss", loss.view(1) / weight, torch.tensor([float(loss_j)]), failures)
    loss.backward()
    named = list(net.named_parameters()) + [("level.%d.log_gain" % level, lv.log_gain),
                                            ("level.%d.prior" % level, lv.prior)]
    for name, p in named:
        close("grad " + name, p.grad if p.grad is not None else torch.zeros_like(p), load(d, "grad." + name + ".bin"),
              failures)
    # what train.py exports, for the Java side to read back (aeic train --init)
    with open(os.path.join(d, "roundtrip.aeicm"), "wb") as f:
        f.write(modelfile.encode("roundtrip", net.n, net.m, M.to_tensors(net, levels),
                                 [(l.quality, l.lam) for l in levels], {"trainer": "check_mirror.py", "steps": 7}))
    if failures:
        print("MISMATCH: " + ", ".join(failures))
        return 1
    print("mirror matches the Java trainer")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
