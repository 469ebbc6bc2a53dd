"""The factorized-prior model of codec/src/main/java/org/aeic/codec/model/FactorizedModel.java, with the
rate levels of RateLevel.java and the loss of Trainer.sampleStep, in PyTorch. Parameter names are the
Java ones, so a model file maps onto state_dict() one to one.

    x ──g_a (4 × conv 5×5/2, GDN between)──> y ──× gain──> v ──(+U(-½,½): rate under the level prior)
                                                            └──round around the prior mean, ÷ gain──> ŷ
    x̂ <──g_s (4 × deconv 5×5/2, IGDN between)── ŷ      (straight-through: dŷ/dy = 1)
    loss = weight · (bits / pixels + λ·255²·MSE),  weight = √(λ̄/λ) per level
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

KERNEL = 5
LAYERS = 4
MIXTURE = 3  # logistic components per channel (LogisticMixturePrior.K)
BETA_MIN = 1e-6
P_MIN = 1e-9


class Gdn(nn.Module):
    """y_i = x_i / sqrt(β_i + Σ_j γ_ij x_j²) (or × for the inverse), β = raw² + 1e-6, γ = raw²."""

    def __init__(self, channels, inverse):
        super().__init__()
        self.inverse = inverse
        self.beta = nn.Parameter(torch.full((channels,), math.sqrt(1 - BETA_MIN)))
        gamma = torch.full((channels, channels), 2.0 ** -9)
        gamma.fill_diagonal_(math.sqrt(0.1))
        self.gamma = nn.Parameter(gamma)

    def forward(self, x):
        c = x.shape[1]
        norm = F.conv2d(x * x, (self.gamma * self.gamma).view(c, c, 1, 1), self.beta * self.beta + BETA_MIN)
        norm = torch.sqrt(norm)
        return x * norm if self.inverse else x / norm


_TAPS = torch.tensor([[4, 2, 0], [5, 3, 1]])  # kernel tap of output phase r at input offset j-1 (5: none)


def deconv_subpixel(x, deconv):
    """nn.ConvTranspose2d(k=5, stride 2, padding 2, output_padding 1)(x), computed as one 3×3 convolution with 4 × the
    output channels and a pixel shuffle: the same sums, but on PyTorch's fast convolution path (its CPU transposed
    convolution is several times slower, forward and backward)."""
    w = torch.nn.functional.pad(deconv.weight, (0, 1, 0, 1))  # [in, out, 6, 6], tap 5 is zero
    g = w[:, :, _TAPS][:, :, :, :, _TAPS]  # [in, out, ry, jy, rx, jx]
    cin, cout = w.shape[0], w.shape[1]
    k = g.permute(1, 2, 4, 0, 3, 5).reshape(cout * 4, cin, 3, 3)
    y = torch.nn.functional.conv2d(x, k, deconv.bias.repeat_interleave(4), padding=1)
    return torch.nn.functional.pixel_shuffle(y, 2)


class FactorizedModel(nn.Module):
    def __init__(self, n, m):
        super().__init__()
        self.n, self.m = n, m
        self.g_a = nn.ModuleDict()
        self.g_s = nn.ModuleDict()
        for i in range(LAYERS):
            self.g_a[str(i)] = nn.Conv2d(3 if i == 0 else n, m if i == LAYERS - 1 else n, KERNEL, 2, KERNEL // 2)
            self.g_s[str(i)] = nn.ConvTranspose2d(m if i == 0 else n, 3 if i == LAYERS - 1 else n, KERNEL, 2,
                                                  KERNEL // 2, output_padding=1)
            if i < LAYERS - 1:
                self.g_a["gdn%d" % i] = Gdn(n, False)
                self.g_s["igdn%d" % i] = Gdn(n, True)
        # the single-rate prior (unused by variable-rate coding, kept so the file round-trips)
        self.register_buffer("prior_params", torch.zeros(m, 3 * MIXTURE))

    def analysis(self, x):
        for i in range(LAYERS):
            x = self.g_a[str(i)](x)
            if i < LAYERS - 1:
                x = self.g_a["gdn%d" % i](x)
        return x

    def synthesis(self, y):
        for i in range(LAYERS):
            layer = self.g_s[str(i)]
            y = deconv_subpixel(y, layer) if y.device.type == "cpu" else layer(y)
            if i < LAYERS - 1:
                y = self.g_s["igdn%d" % i](y)
        return y


class RateLevel(nn.Module):
    """One quality: per-channel log-gain and a mixture of 3 logistics per channel (logits, means, log-scales)."""

    def __init__(self, quality, lam, m):
        super().__init__()
        self.quality, self.lam = quality, lam
        self.log_gain = nn.Parameter(torch.zeros(m))
        self.prior = nn.Parameter(torch.zeros(m, 3 * MIXTURE))


def center(prior):
    """The mixture mean per channel of priors [..., M, 9]: symbols are round(v - center)."""
    w = torch.softmax(prior[..., :MIXTURE], dim=-1)
    return (w * prior[..., MIXTURE:2 * MIXTURE]).sum(dim=-1)


def bits(prior, v):
    """-log2 of the mass of [v-½, v+½] per element of v [B, M, H, W] under priors [B, M, 9] (as
    LogisticMixturePrior.bits)."""
    b_, m_ = prior.shape[0], prior.shape[1]
    w = torch.softmax(prior[..., :MIXTURE], dim=-1).view(b_, m_, 1, 1, MIXTURE)
    mean = prior[..., MIXTURE:2 * MIXTURE].reshape(b_, m_, 1, 1, MIXTURE)
    scale = torch.exp(prior[..., 2 * MIXTURE:]).reshape(b_, m_, 1, 1, MIXTURE)
    v = v.unsqueeze(-1)
    a = (v + 0.5 - mean) / scale
    b = (v - 0.5 - mean) / scale
    # on the side of the mean where the difference does not cancel
    d = torch.where(a + b > 0, torch.sigmoid(-b) - torch.sigmoid(-a), torch.sigmoid(a) - torch.sigmoid(b))
    mass = (w * d).sum(dim=-1)
    # floor the value, not the gradient (the Java trainer differentiates -log2 at the floored mass)
    floored = mass + (torch.clamp(mass, min=P_MIN) - mass).detach()
    return -torch.log2(floored)


def level_weights(levels):
    """√(λ̄/λ) with λ̄ the geometric mean (Trainer.levelWeights)."""
    log_mean = sum(math.log(l.lam) for l in levels) / len(levels)
    return [math.sqrt(math.exp(log_mean) / l.lam) for l in levels]


_PER_CROP = {}


def per_crop(levels, level_of, weights, device, dtype):
    """(level index, λ, weight) per crop as tensors on the device, made once per batch layout: a copy to a
    GPU waits for everything queued before it, and a training step should not wait."""
    key = (tuple(level_of), tuple(l.lam for l in levels), tuple(weights), str(device), dtype)
    if key not in _PER_CROP:
        _PER_CROP[key] = (torch.as_tensor(level_of, device=device),
                          torch.tensor([levels[i].lam for i in level_of], device=device, dtype=dtype),
                          torch.tensor([weights[i] for i in level_of], device=device, dtype=dtype))
    return _PER_CROP[key]


def batch_loss(net, levels, level_of, weights, x, noise):
    """Loss of crops x [B,3,H,W] in [0,1], crop i at level levels[level_of[i]] with gradient weight
    weights[level_of[i]], the rate's uniform noise given (as Trainer.sampleStep, one crop at a time there).

    Returns (the sum over crops of weight · (bits/pixels + λ·255²·MSE), bpp per crop, mse per crop).
    """
    idx, lam, weight = per_crop(levels, level_of, weights, x.device, x.dtype)
    log_gain = torch.stack([l.log_gain for l in levels])[idx]  # [B, M]
    prior = torch.stack([l.prior for l in levels])[idx]  # [B, M, 9]
    y = net.analysis(x)
    gain = torch.exp(log_gain)[:, :, None, None]
    v = y * gain
    pixels = x.shape[2] * x.shape[3]
    bpp = bits(prior, v + noise).sum(dim=(1, 2, 3)) / pixels
    c = center(prior).detach()[:, :, None, None]
    # rounding error as fixed noise: ŷ = y + r/g, so dŷ/dy = 1 and dŷ/dlog g = -r/g
    r = (torch.floor(v - c + 0.5) + c - v).detach()
    x_hat = net.synthesis(y + r / gain)
    mse = ((x_hat - x) ** 2).mean(dim=(1, 2, 3))
    loss = (weight * (bpp + lam * 255 * 255 * mse)).sum()
    return loss, bpp.detach(), mse.detach()


def sample_loss(net, level, weight, x, noise):
    """batch_loss of crops all at one level."""
    return batch_loss(net, [level], [0] * x.shape[0], [weight], x, noise)


def from_file(model):
    """(FactorizedModel, [RateLevel]) holding the weights of a model file read by modelfile.read."""
    if model["kind"] not in ("factorized-gdn", "mean-scale-gdn", "checkerboard-gdn", "checkerboard3-gdn"):
        raise ValueError("unsupported architecture " + model["kind"])
    net = FactorizedModel(model["n"], model["m"])
    tensors = model["tensors"]
    with torch.no_grad():
        for name, p in list(net.named_parameters()) + [("prior.params", net.prior_params)]:
            if name not in tensors:
                raise ValueError("model file lacks tensor " + name)
            data = torch.tensor(tensors[name][1], dtype=torch.float32)
            if data.numel() != p.numel():
                raise ValueError("tensor %s has %d values, expected %d" % (name, data.numel(), p.numel()))
            p.copy_(data.view_as(p))
    levels = []
    for i, (q, lam) in enumerate(model["levels"]):
        lg, pr = tensors.get("level.%d.log_gain" % i), tensors.get("level.%d.prior" % i)
        level = RateLevel(q, lam, net.m)
        with torch.no_grad():
            if lg is None:  # a single-rate file: gain 1, the model's prior
                level.prior.copy_(net.prior_params)
            elif pr is None:  # a hyperprior file: the levels have no factorized prior of y
                level.log_gain.copy_(torch.tensor(lg[1]))
            else:
                level.log_gain.copy_(torch.tensor(lg[1]))
                level.prior.copy_(torch.tensor(pr[1]).view_as(level.prior))
        levels.append(level)
    return net, levels


def _java_name(name):
    # nn.ModuleDict keys give "g_a.0.weight", "g_a.gdn0.beta": already the Java names
    return name


def to_tensors(net, levels):
    """[(name, shape, float32 bytes)] of the model and its levels, in the model file's naming."""
    out = []
    for name, p in list(net.named_parameters()) + [("prior.params", net.prior_params)]:
        t = p.detach().to("cpu", torch.float32).contiguous()
        out.append((_java_name(name), list(t.shape), t.numpy().astype("<f4").tobytes()))
    for i, level in enumerate(levels):
        for name, p in (("log_gain", level.log_gain), ("prior", level.prior)):
            t = p.detach().to("cpu", torch.float32).contiguous()
            out.append(("level.%d.%s" % (i, name), list(t.shape), t.numpy().astype("<f4").tobytes()))
    return out
