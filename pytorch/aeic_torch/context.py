"""The checkerboard context model of codec/src/main/java/org/aeic/codec/model/CheckerboardModel.java (He et al. 2021,
without a hyperprior) in PyTorch. Parameter names are the Java ones ("c_x.0.weight", ...).

    latent positions (r + c even) are anchors: coded first, as by the factorized prior (round(y·gain − centre))
    ŷ of the anchors, 0 elsewhere ──c_x (conv 5×5/1, ReLU, conv 1×1/1)──> μ, σ of every position (unscaled)
    the other positions: symbols round(y·gain − μ·gain) under Laplace(0, max(|σ|·gain, 0.02)) ⊛ U(-½,½), the codec
    taking the table of the smallest scale in the scale table at or above that (ScaleTables.java)
"""
import torch
import torch.nn as nn

from . import hyper as H
from . import model as M


def anchors(h, w, device=None):
    """1 at anchor positions ((row + column) even), 0 elsewhere: [1, 1, h, w]."""
    r = torch.arange(h, device=device)[:, None]
    c = torch.arange(w, device=device)[None, :]
    return ((r + c) % 2 == 0).float()[None, None]


class Checkerboard(nn.Module):
    def __init__(self, n, m, levels=0, depth=2):
        super().__init__()
        self.n, self.m = n, m
        layers = {"0": nn.Conv2d(m, n, 5, 1, 2)}
        for i in range(1, depth - 1):  # deeper: 1×1 N→N layers, each after a ReLU
            layers[str(i)] = nn.Conv2d(n, n, 1, 1, 0)
        layers[str(depth - 1)] = nn.Conv2d(n, 2 * m, 1, 1, 0)
        self.c_x = nn.ModuleDict(layers)
        self.depth = depth
        # per quality level: a bias added to the hidden layer and a log-factor on σ (0 = the shared c_x alone)
        self.level_bias = nn.Parameter(torch.zeros(levels, n)) if levels else None
        self.level_log_scale = nn.Parameter(torch.zeros(levels, m)) if levels else None

    def forward(self, y_anchors, level=None):
        """(μ, σ-raw) of every position from the anchors' ŷ (zero elsewhere), unscaled; level: [B] indices."""
        h = self.c_x["0"](y_anchors)
        if self.level_bias is not None:
            h = h + self.level_bias[level][:, :, None, None]
        for i in range(1, self.depth):
            h = self.c_x[str(i)](torch.relu(h))
        mu, sigma = h[:, :self.m], h[:, self.m:]
        if self.level_log_scale is not None:
            sigma = sigma * torch.exp(self.level_log_scale[level])[:, :, None, None]
        return mu, sigma


def rates(ctx, log_gain, prior, y, noise, level=None, coded=False):
    """Bits per crop of the anchors (factorized prior, rounding as the codec) and of the other positions (Laplace
    around the context's prediction), at the levels given per crop: log_gain [B,M], prior [B,M,9]. Training adds
    the noise to the other positions; coded: they are rounded as the codec does it (noise unused)."""
    g = torch.exp(log_gain)[:, :, None, None]
    c = M.center(prior)[:, :, None, None]
    v = y * g
    a = anchors(y.shape[2], y.shape[3], y.device)
    s = torch.floor(v - c + 0.5)
    bits_a = (M.bits(prior, s + c) * a).sum(dim=(1, 2, 3))
    mu, sigma = ctx(((s + c) / g * a).detach(), level)
    d = torch.floor(v - mu * g + 0.5) if coded else v + noise - mu * g
    bits_n = (H.laplace_bits(d, H.scales_of(sigma, g)) * (1 - a)).sum(dim=(1, 2, 3))
    return bits_a, bits_n


def to_tensors(ctx):
    return [(name, list(p.shape), p.detach().to("cpu", torch.float32).contiguous().numpy().astype("<f4").tobytes())
            for name, p in ctx.named_parameters()]


def from_tensors(tensors, n, m, levels=0, depth=0):
    """The context of a file's tensors; levels > 0 adds the per-level parameters (zero when the file has none);
    depth > the file's: 1×1 layers inserted before the last one, started at the identity (same output)."""
    if "c_x.0.weight" not in tensors:
        return None
    stored = 1 + max(int(k.split(".")[1]) for k in tensors if k.startswith("c_x."))
    depth = max(depth, stored)
    ctx = Checkerboard(n, m, levels, depth)
    rename = {"c_x.%d.%s" % (stored - 1, t): "c_x.%d.%s" % (depth - 1, t) for t in ("weight", "bias")}
    with torch.no_grad():
        for i in range(stored - 1, depth - 1):
            ctx.c_x[str(i)].weight.copy_(torch.eye(n)[:, :, None, None])
            ctx.c_x[str(i)].bias.zero_()
        for name, t in tensors.items():
            name = rename.get(name, name)
            if name.startswith("c_x.") or name.startswith("level_"):
                p = dict(ctx.named_parameters()).get(name)
                if p is not None:
                    p.copy_(torch.tensor(t[1]).view_as(p))
    return ctx


# ---- three passes: the anchors themselves in two halves -------------------------------------------------------------
#
#   pass 1: (row even, column even), a quarter of y, as the factorized prior codes it
#   pass 2: (row odd, column odd), a quarter: round(y·g − μ₁·g) under Laplace(σ₁), μ₁, σ₁ = c_1(pass 1's ŷ on its
#           own half-resolution grid; output (i, j) is for position (2i + 1, 2j + 1))
#   pass 3: (row + column odd), the half the checkerboard codes, from passes 1 and 2 by c_x as before

class Subgrid(nn.Module):
    """c_1: conv 5×5 (M→N), ReLU, conv 1×1 (N→2M) on the half-resolution grid of pass 1."""

    def __init__(self, n, m):
        super().__init__()
        self.m = m
        self.c_1 = nn.ModuleDict({"0": nn.Conv2d(m, n, 5, 1, 2), "1": nn.Conv2d(n, 2 * m, 1, 1, 0)})

    def forward(self, p):
        out = self.c_1["1"](torch.relu(self.c_1["0"](p)))
        return out[:, :self.m], out[:, self.m:]


def passes(h, w, device=None):
    """Masks [1, 1, h, w] of passes 1, 2 and 3."""
    r = torch.arange(h, device=device)[:, None]
    c = torch.arange(w, device=device)[None, :]
    p1 = ((r % 2 == 0) & (c % 2 == 0)).float()[None, None]
    p2 = ((r % 2 == 1) & (c % 2 == 1)).float()[None, None]
    return p1, p2, 1 - p1 - p2


def _pass2_full(t, h, w):
    """c_1's output (i, j) placed at (2i + 1, 2j + 1) of a zero h × w grid."""
    full = t.new_zeros(t.shape[0], t.shape[1], h, w)
    full[:, :, 1::2, 1::2] = t[:, :, :h // 2, :w // 2]
    return full


def rates3(ctx, sub, log_gain, prior, y, noise, coded=False):
    """Bits per crop of the three passes: (pass 1, pass 2, pass 3). Training adds noise to passes 2 and 3 (coded:
    rounding as the codec does it); each pass's input is the rounded ŷ of the passes before it."""
    h, w = y.shape[2], y.shape[3]
    g = torch.exp(log_gain)[:, :, None, None]
    c = M.center(prior)[:, :, None, None]
    v = y * g
    p1, p2, p3 = passes(h, w, y.device)
    s = torch.floor(v - c + 0.5)
    bits_1 = (M.bits(prior, s + c) * p1).sum(dim=(1, 2, 3))
    y1 = ((s + c) / g).detach()
    mu1, sig1 = sub(y1[:, :, ::2, ::2])
    mu1, sig1 = _pass2_full(mu1, h, w), _pass2_full(sig1, h, w)
    d2 = torch.floor(v - mu1 * g + 0.5) if coded else v + noise - mu1 * g
    bits_2 = (H.laplace_bits(d2, H.scales_of(sig1, g)) * p2).sum(dim=(1, 2, 3))
    y2 = ((torch.floor(v - mu1 * g + 0.5) + mu1 * g) / g).detach()
    mu, sigma = ctx(y1 * p1 + y2 * p2)
    d3 = torch.floor(v - mu * g + 0.5) if coded else v + noise - mu * g
    bits_3 = (H.laplace_bits(d3, H.scales_of(sigma, g)) * p3).sum(dim=(1, 2, 3))
    return bits_1, bits_2, bits_3


def sub_from_tensors(tensors, n, m):
    if "c_1.0.weight" not in tensors:
        return None
    sub = Subgrid(n, m)
    with torch.no_grad():
        for name, p in sub.named_parameters():
            p.copy_(torch.tensor(tensors[name][1]).view_as(p))
    return sub
