"""The mean-scale hyperprior of codec/src/main/java/org/aeic/codec/model/HyperpriorModel.java (Minnen et al.
2018 without the context model) on top of the factorized model's transforms, in PyTorch. Parameter names are
the Java ones ("h_a.0.weight", "level.3.z_log_gain", ...), so a model file maps onto them one to one.

    y ──h_a (conv 3×3/1, ReLU, conv 5×5/2, ReLU, conv 5×5/2)──> z ──× z_gain──(+U(-½,½) | round)──> ẑ·z_gain
                                                                   (bits under the level's z prior, 3 logistics)
    ẑ ──h_s (deconv 5×5/2, ReLU, deconv 5×5/2, ReLU, conv 3×3/1)──> μ, σ     (per element of y, unscaled)
    v = y × gain;  symbols round(v − μ·gain), coded under Laplace(0, max(|σ|·gain, 0.02)) ⊛ U(-½,½), the codec's
    table being the one of the smallest scale in the scale table at or above that (ScaleTables.java)
    ŷ = (symbols + μ·gain) / gain
"""
import math

import torch
import torch.nn as nn

from . import model as M

# the scale table (ScaleTables.java): 72 log-spaced values from 0.02 (CompressAI: 64 from 0.11; a lower floor
# lets the many near-silent elements of low rates cost less: at quality 1, 92 % of the non-anchors sat at 0.11)
SCALE_MIN, SCALE_MAX, SCALE_COUNT = 0.02, 256.0, 72
P_MIN = 1e-9


def scale_table():
    return [math.exp(math.log(SCALE_MIN) + i * (math.log(SCALE_MAX) - math.log(SCALE_MIN)) / (SCALE_COUNT - 1))
            for i in range(SCALE_COUNT)]


class Hyperprior(nn.Module):
    def __init__(self, n, m):
        super().__init__()
        self.n, self.m = n, m
        self.h_a = nn.ModuleDict({"0": nn.Conv2d(m, n, 3, 1, 1), "1": nn.Conv2d(n, n, 5, 2, 2),
                                  "2": nn.Conv2d(n, n, 5, 2, 2)})
        self.h_s = nn.ModuleDict({"0": nn.ConvTranspose2d(n, n, 5, 2, 2, output_padding=1),
                                  "1": nn.ConvTranspose2d(n, n, 5, 2, 2, output_padding=1),
                                  "2": nn.Conv2d(n, 2 * m, 3, 1, 1)})

    def analysis(self, y):
        """z of y, zero-padded to a multiple of 4 latent pixels (so that h_s gives back at least y's size)."""
        h, w = y.shape[2], y.shape[3]
        y = torch.nn.functional.pad(y, (0, (-w) % 4, 0, (-h) % 4))
        z = torch.relu(self.h_a["0"](y))
        z = torch.relu(self.h_a["1"](z))
        return self.h_a["2"](z)

    def synthesis(self, z_hat, h, w):
        """(μ, σ-raw) of an h × w latent, unscaled; the scale used is max(|σ-raw|·gain, SCALE_MIN)."""
        t = torch.relu(M.deconv_subpixel(z_hat, self.h_s["0"]))
        t = torch.relu(M.deconv_subpixel(t, self.h_s["1"]))
        out = self.h_s["2"](t)[:, :, :h, :w]
        return out[:, :self.m], out[:, self.m:]


class ZLevel(nn.Module):
    """What a quality level adds for the hyper-latent: a gain per z channel and the prior of the scaled z."""

    def __init__(self, n):
        super().__init__()
        self.z_log_gain = nn.Parameter(torch.zeros(n))
        prior = torch.zeros(n, 3 * M.MIXTURE)
        for k in range(M.MIXTURE):  # LogisticMixturePrior.initDefault
            prior[:, M.MIXTURE + k] = (k - (M.MIXTURE - 1) / 2) * 0.5
            prior[:, 2 * M.MIXTURE + k] = math.log(1.0 + k)
        self.z_prior = nn.Parameter(prior)


def gaussian_bits(d, scale):
    """-log2 of the mass of [d-½, d+½] under N(0, scale), computed on the side where it does not cancel."""
    a = d.abs()
    upper = 0.5 * torch.erfc(-(0.5 - a) / (scale * math.sqrt(2)))
    lower = 0.5 * torch.erfc(-(-0.5 - a) / (scale * math.sqrt(2)))
    mass = upper - lower
    floored = mass + (torch.clamp(mass, min=P_MIN) - mass).detach()
    return -torch.log2(floored)


def laplace_bits(d, scale):
    """-log2 of the mass of [d-½, d+½] under Laplace(0, scale) (scale = b, the mean absolute deviation)."""
    a = d.abs()
    inner = 1 - torch.exp(-0.5 / scale)  # |d| < ½: the centre bin, as the symbol 0
    outer = 0.5 * (torch.exp(-(a - 0.5).clamp(min=0) / scale) - torch.exp(-(a + 0.5) / scale))
    mass = torch.where(a < 0.5, inner, outer)
    floored = mass + (torch.clamp(mass, min=P_MIN) - mass).detach()
    return -torch.log2(floored)


FAMILY = {"gaussian": gaussian_bits, "laplace": laplace_bits}
family_bits = laplace_bits


def scales_of(sigma_raw, gain):
    return torch.clamp(sigma_raw.abs() * gain, min=SCALE_MIN)


def rate(hp, log_gain, z_level_gain, z_prior, y, noise_y, noise_z):
    """Bits of y [B,M,h,w] per crop (y part, z part) at the levels given per crop: log_gain [B,M],
    z_level_gain [B,N] (log), z_prior [B,N,9]; the noises are U(-½,½) of y's and z's shapes."""
    g = torch.exp(log_gain)[:, :, None, None]
    gz = torch.exp(z_level_gain)[:, :, None, None]
    z = hp.analysis(y)
    zs = z * gz + noise_z
    bits_z = M.bits(z_prior, zs).sum(dim=(1, 2, 3))
    mu, sigma = hp.synthesis(zs / gz, y.shape[2], y.shape[3])
    v = y * g + noise_y
    bits_y = family_bits(v - mu * g, scales_of(sigma, g)).sum(dim=(1, 2, 3))
    return bits_y, bits_z


def coded_rate(hp, log_gain, z_log_gain, z_prior, y):
    """Ideal bits of y and of z with rounding as the codec does it (round around the z prior's centre)."""
    g = torch.exp(log_gain)[:, :, None, None]
    gz = torch.exp(z_log_gain)[:, :, None, None]
    z = hp.analysis(y)
    c = M.center(z_prior)[:, :, None, None]
    zq = torch.floor(z * gz - c + 0.5) + c
    bits_z = M.bits(z_prior, zq).sum(dim=(1, 2, 3))
    mu, sigma = hp.synthesis(zq / gz, y.shape[2], y.shape[3])
    s = torch.floor(y * g - mu * g + 0.5)
    bits_y = family_bits(s, scales_of(sigma, g)).sum(dim=(1, 2, 3))
    return bits_y, bits_z


def to_tensors(hp, z_levels):
    out = []
    for name, p in hp.named_parameters():
        t = p.detach().to("cpu", torch.float32).contiguous()
        out.append((name, list(t.shape), t.numpy().astype("<f4").tobytes()))
    for i, zl in enumerate(z_levels):
        for name, p in (("z_log_gain", zl.z_log_gain), ("z_prior", zl.z_prior)):
            t = p.detach().to("cpu", torch.float32).contiguous()
            out.append(("level.%d.%s" % (i, name), list(t.shape), t.numpy().astype("<f4").tobytes()))
    return out


def from_tensors(tensors, n, m, levels):
    """(Hyperprior, [ZLevel]) from a model file's tensors, or None when the file has no hyperprior."""
    if "h_a.0.weight" not in tensors:
        return None
    hp = Hyperprior(n, m)
    z_levels = [ZLevel(n) for _ in range(levels)]
    with torch.no_grad():
        for name, p in hp.named_parameters():
            p.copy_(torch.tensor(tensors[name][1]).view_as(p))
        for i, zl in enumerate(z_levels):
            zl.z_log_gain.copy_(torch.tensor(tensors["level.%d.z_log_gain" % i][1]))
            zl.z_prior.copy_(torch.tensor(tensors["level.%d.z_prior" % i][1]).view_as(zl.z_prior))
    return hp, z_levels


def batch_loss(net, hp, levels, z_levels, level_of, weights, x, noise):
    """model.batch_loss with the hyperprior: y's bits under N(μ, σ) from h_s, plus z's bits. noise: U(-½,½) of
    y's shape; z's is drawn here. Returns (the weighted loss summed over crops, bpp per crop, mse per crop)."""
    idx, lam, weight = M.per_crop(levels, level_of, weights, x.device, x.dtype)
    log_gain = torch.stack([l.log_gain for l in levels])[idx]
    zg = torch.stack([z.z_log_gain for z in z_levels])[idx]
    zp = torch.stack([z.z_prior for z in z_levels])[idx]
    y = net.analysis(x)
    g = torch.exp(log_gain)[:, :, None, None]
    gz = torch.exp(zg)[:, :, None, None]
    z = hp.analysis(y)
    zs = z * gz + (torch.rand_like(z) - 0.5)
    bits_z = M.bits(zp, zs).sum(dim=(1, 2, 3))
    mu, sigma = hp.synthesis(zs / gz, y.shape[2], y.shape[3])
    v = y * g
    mg = mu * g
    bits_y = family_bits(v + noise - mg, scales_of(sigma, g)).sum(dim=(1, 2, 3))
    pixels = x.shape[2] * x.shape[3]
    bpp = (bits_y + bits_z) / pixels
    # rounding around the predicted mean as fixed noise (straight-through, as model.batch_loss)
    r = (torch.floor(v - mg + 0.5) + mg - v).detach()
    x_hat = net.synthesis(y + r / g)
    mse = ((x_hat - x) ** 2).mean(dim=(1, 2, 3))
    loss = (weight * (bpp + lam * 255 * 255 * mse)).sum()
    return loss, bpp.detach(), mse.detach()
