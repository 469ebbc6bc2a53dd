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
    def __init__(self, n, m, levels=0):
        super().__init__()
        self.n, self.m = n, m
        self.c_x = nn.ModuleDict({"0": nn.Conv2d(m, n, 5, 1, 2), "1": nn.Conv2d(n, 2 * m, 1, 1, 0)})
        # per quality level: a bias added to the hidden layer and a log-factor on σ (0 = the shared c_x alone)
        self.level_bias = nn.Parameter(torch.zeros(levels, n)) if levels else None
        self.level_log_scale = nn.Parameter(torch.zeros(levels, m)) if levels else None

    def forward(self, y_anchors, level=None):
        """(μ, σ-raw) of every position from the anchors' ŷ (zero elsewhere), unscaled; level: [B] indices."""
        h = self.c_x["0"](y_anchors)
        if self.level_bias is not None:
            h = h + self.level_bias[level][:, :, None, None]
        out = self.c_x["1"](torch.relu(h))
        mu, sigma = out[:, :self.m], out[:, self.m:]
        if self.level_log_scale is not None:
            sigma = sigma * torch.exp(self.level_log_scale[level])[:, :, None, None]
        return mu, sigma


def rates(ctx, log_gain, prior, y, noise, level=None):
    """Bits per crop of the anchors (factorized prior, rounding as the codec) and of the other positions (Laplace
    around the context's prediction, y with the noise added), at the levels given per crop: log_gain [B,M],
    prior [B,M,9]."""
    g = torch.exp(log_gain)[:, :, None, None]
    c = M.center(prior)[:, :, None, None]
    v = y * g
    a = anchors(y.shape[2], y.shape[3], y.device)
    s = torch.floor(v - c + 0.5)
    bits_a = (M.bits(prior, s + c) * a).sum(dim=(1, 2, 3))
    mu, sigma = ctx(((s + c) / g * a).detach(), level)
    bits_n = (H.laplace_bits(v + noise - mu * g, H.scales_of(sigma, g)) * (1 - a)).sum(dim=(1, 2, 3))
    return bits_a, bits_n


def coded_rates(ctx, log_gain, prior, y, level=None):
    """rates with rounding as the codec does it (no noise)."""
    g = torch.exp(log_gain)[:, :, None, None]
    c = M.center(prior)[:, :, None, None]
    v = y * g
    a = anchors(y.shape[2], y.shape[3], y.device)
    s = torch.floor(v - c + 0.5)
    bits_a = (M.bits(prior, s + c) * a).sum(dim=(1, 2, 3))
    mu, sigma = ctx((s + c) / g * a, level)
    q = torch.floor(v - mu * g + 0.5)
    bits_n = (H.laplace_bits(q, H.scales_of(sigma, g)) * (1 - a)).sum(dim=(1, 2, 3))
    return bits_a, bits_n


def to_tensors(ctx):
    return [(name, list(p.shape), p.detach().to("cpu", torch.float32).contiguous().numpy().astype("<f4").tobytes())
            for name, p in ctx.named_parameters()]


def from_tensors(tensors, n, m, levels=0):
    """The context of a file's tensors; levels > 0 adds the per-level parameters (zero when the file has none)."""
    if "c_x.0.weight" not in tensors:
        return None
    ctx = Checkerboard(n, m, levels)
    with torch.no_grad():
        for name, p in ctx.named_parameters():
            if name in tensors:
                p.copy_(torch.tensor(tensors[name][1]).view_as(p))
    return ctx
