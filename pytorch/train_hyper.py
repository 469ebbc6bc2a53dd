"""Trains the mean-scale hyperprior (h_a, h_s and each level's z gain and z prior) on latents of frozen transforms.

    python3 pytorch/train_hyper.py --data ../shared/datasets/train --init models/aeic-vr-n128m192.aeicm \\
        --out hyper.aeicm --exclude photos/003,photos/011 --minutes 60

The analysis of --init runs once over every training image (and its mirror image); the latents are kept
(--cache) and training then samples crops of them, so a step costs only the hyperprior's own passes. The
transforms and the levels' gains stay as they are: with them frozen the loss is the rate alone,
Σ_levels weight · (bits of y under N(μ, σ) + bits of z) / pixels. The images named by --exclude (the
validation photos) are never trained on: their whole-image rate with rounding, as the codec codes them, is
printed at every checkpoint against the factorized prior's, and the best checkpoint is kept as OUT.best.aeicm.

The output holds weights and level tensors but no integer tables: `aeic train --tables --init OUT -o MODEL`
writes those (the Java side is the reference for them).
"""
import argparse
import glob
import math
import os
import signal
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from aeic_torch import hyper as H  # noqa: E402
from aeic_torch import model as M  # noqa: E402
from aeic_torch import modelfile  # noqa: E402

KIND = "mean-scale-gdn"


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", required=True, help="directory of training images (searched recursively)")
    p.add_argument("--exclude", default="", help="comma-separated path fragments of validation images")
    p.add_argument("--init", required=True, help="model file whose transforms and gains are used (frozen)")
    p.add_argument("--out", required=True)
    p.add_argument("--id", help="model id (default: OUT's file name)")
    p.add_argument("--cache", help="latents file (made when missing)")
    p.add_argument("--steps", type=int, default=1_000_000)
    p.add_argument("--minutes", type=float, default=0)
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--crop", type=int, default=32, help="latent pixels (16 image pixels each)")
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--level-lr", type=float, default=1e-2,
                   help="learning rate of the levels' z gains and z priors (an Adam step moves a log-gain by about lr)")
    p.add_argument("--lr-drop", type=float, default=0.8, help="lr ÷10 after this fraction of --minutes/--steps")
    p.add_argument("--clip", type=float, default=1.0)
    p.add_argument("--z-warmup", type=int, default=2000,
                   help="steps over which the weight of z's bits rises from 0 to 1 (z collapses to nothing otherwise)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--checkpoint-minutes", type=float, default=4)
    p.add_argument("--resume", action="store_true")
    p.add_argument("--context-depth", type=int, default=2,
                   help="train_context.py: layers of c_x (conv 5×5, then 1×1 ones; a shallower --resume file grows)")
    p.add_argument("--three-pass", action="store_true",
                   help="train_context.py: code the anchors in two passes, the second predicted by c_1 from the first")
    p.add_argument("--context-lr-factor", type=float, default=0.1,
                   help="train_context.py --three-pass: c_x's learning rate as a fraction of --lr (0: frozen)")
    p.add_argument("--level-conditioning", action="store_true",
                   help="train_context.py: a hidden bias and a σ factor per quality level (added at zero on --resume)")
    return p.parse_args(argv)


def load_image(path):
    from PIL import Image
    return np.asarray(Image.open(path).convert("RGB"))


def padded(img):
    """[1,3,H',W'] in [0,1], padded to a multiple of 16 by repeating the edges (AeicEncoder.regionTensor)."""
    h, w = img.shape[:2]
    ph, pw = (h + 15) // 16 * 16, (w + 15) // 16 * 16
    a = np.pad(img, ((0, ph - h), (0, pw - w), (0, 0)), mode="edge")
    return torch.from_numpy(a.astype(np.float32) / 255).permute(2, 0, 1).unsqueeze(0)


def latents(net, paths, flips):
    out = []
    with torch.no_grad():
        for i, path in enumerate(paths):
            img = load_image(path)
            for f in ([False, True] if flips else [False]):
                x = padded(img[:, ::-1].copy() if f else img)
                out.append(net.analysis(x)[0].contiguous())
            print("  latents %d/%d %s" % (i + 1, len(paths), path), flush=True)
    return out


def write(path, model_id, net, levels, hp, z_levels, args, step, wall, notes):
    tensors = []
    for name, p in list(net.named_parameters()) + [("prior.params", net.prior_params)]:
        t = p.detach().to("cpu", torch.float32).contiguous()
        tensors.append((name, list(t.shape), t.numpy().astype("<f4").tobytes()))
    for i, level in enumerate(levels):
        t = level.log_gain.detach().contiguous()
        tensors.append(("level.%d.log_gain" % i, list(t.shape), t.numpy().astype("<f4").tobytes()))
    tensors += H.to_tensors(hp, z_levels)
    data = modelfile.encode(model_id, net.n, net.m, tensors, [(l.quality, l.lam) for l in levels],
                            {"trainer": "pytorch/train_hyper.py (torch %s, cpu)" % torch.__version__,
                             "command": " ".join(sys.argv), "seed": args.seed, "steps": step, "wall_seconds": wall,
                             "data": args.data, "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                             "notes": notes}, kind=KIND)
    modelfile.write_atomically(path, data)


def factorized_bits(level, y):
    """Ideal bits of y rounded as the factorized codec does it (round(y·gain − centre) under the level prior)."""
    g = torch.exp(level.log_gain)[None, :, None, None]
    c = M.center(level.prior)[None, :, None, None]
    s = torch.floor(y * g - c + 0.5) + c
    return M.bits(level.prior[None], s).sum().item()


def validate(hp, levels, z_levels, val, base):
    """Per level: (hyperprior bpp, factorized bpp) summed over the validation latents."""
    out = []
    with torch.no_grad():
        for li, (lv, zl) in enumerate(zip(levels, z_levels)):
            bits = pixels = 0.0
            for y in val:
                by, bz = H.coded_rate(hp, lv.log_gain[None], zl.z_log_gain[None], zl.z_prior[None], y[None])
                bits += (by + bz).item()
                pixels += y.shape[1] * y.shape[2] * 256
            out.append((bits / pixels, base[li] / pixels))
    return out


def resume(args, state_path, opt, rng, step, wall, best):
    """(step, wall time, best valset mean) of --resume's optimizer checkpoint, which is loaded; else as given."""
    if not (args.resume and os.path.exists(state_path)):
        return step, wall, best
    state = torch.load(state_path)
    opt.load_state_dict(state["optimizer"])
    rng.bit_generator.state = state["rng"]
    return state["step"], state["wall"], state["best"]


def keep(args, v, settings, write_to, opt, rng, step, wall, best, state_path):
    """A checkpoint from the valset's (bpp, factorized bpp) per level: OUT by write_to(path, notes), OUT.best.aeicm
    too when the mean saving beats best, the optimizer's state (atomically), and the line printed. Returns the best
    mean saving."""
    saving = [100 * (h / f - 1) for h, f in v]
    mean = sum(saving) / len(saving)
    notes = "%s; valset bpp vs factorized per level: %s" % (settings, " ".join("%+.1f%%" % x for x in saving))
    write_to(args.out, notes)
    if mean < best:
        best = mean
        write_to(args.out.rsplit(".", 1)[0] + ".best.aeicm", notes)
    torch.save({"optimizer": opt.state_dict(), "step": step, "wall": wall, "best": best,
                "rng": rng.bit_generator.state}, state_path + ".tmp")
    os.replace(state_path + ".tmp", state_path)
    print("checkpoint step %d (%.0f s): valset bpp per level %s; vs factorized %s (mean %+.2f%%, best %+.2f%%)"
          % (step, wall, " ".join("%.4f" % h for h, _ in v), " ".join("%+.1f%%" % x for x in saving), mean, best),
          flush=True)
    return best


def loop_setup(levels, train):
    """Level weights, the chance of each latent being picked (its area), and a flag SIGTERM/SIGINT set to stop."""
    area = np.array([y.shape[1] * y.shape[2] for y in train], dtype=np.float64)
    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
    signal.signal(signal.SIGINT, lambda *_: stop.update(now=True))
    return M.level_weights(levels), area / area.sum(), stop


def sample(train, pick, rng, batch, crop, levels, step):
    """A batch of random crops of the latents (the latent chosen in proportion to its area) and the level of each
    (crop i of step s at level (s·batch + i) mod levels)."""
    ys, level_of = [], []
    for i in range(batch):
        y = train[rng.choice(len(train), p=pick)]
        r = rng.integers(0, y.shape[1] - crop + 1)
        q = rng.integers(0, y.shape[2] - crop + 1)
        ys.append(y[:, r:r + crop, q:q + crop])
        level_of.append((step * batch + i) % levels)
    return torch.stack(ys), level_of


def report(sums, level_of, bpp, step, batch, now, last_print, lr):
    """Adds a step's bpp per level to sums; prints and clears them once a minute (then returns True)."""
    for i, l in enumerate(level_of):
        sums[l] += (1, bpp[i].item())
    if now - last_print <= 60:
        return False
    print("step %d  %.2f steps/s  lr %g  train bpp per level: %s" % (
        step, sums[:, 0].sum() / batch / (now - last_print), lr,
        " ".join("%.3f" % (s[1] / max(s[0], 1)) for s in sums)), flush=True)
    sums[:] = 0
    return True


def main(argv):
    args = parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    model_id = args.id or os.path.basename(args.out).rsplit(".", 1)[0]
    net, levels = M.from_file(modelfile.read(args.init))
    for p in list(net.parameters()) + [p for l in levels for p in l.parameters()]:
        p.requires_grad_(False)
    excluded = [e for e in args.exclude.split(",") if e]
    paths = sorted(p for p in glob.glob(os.path.join(args.data, "**", "*"), recursive=True)
                   if p.lower().endswith((".png", ".jpg", ".jpeg")))
    train_paths = [p for p in paths if not any(e in p for e in excluded)]
    val_paths = [p for p in paths if any(e in p for e in excluded)]
    if args.cache and os.path.exists(args.cache):
        cache = torch.load(args.cache)
        train, val = cache["train"], cache["val"]
    else:
        print("analysis of %d training and %d validation images" % (len(train_paths), len(val_paths)), flush=True)
        train, val = latents(net, train_paths, True), latents(net, val_paths, False)
        if args.cache:
            torch.save({"train": train, "val": val}, args.cache + ".tmp")
            os.replace(args.cache + ".tmp", args.cache)
    train = [y for y in train if min(y.shape[1:]) >= args.crop]
    base = [sum(factorized_bits(lv, y[None]) for y in val) for lv in levels]

    hp = H.Hyperprior(net.n, net.m)
    z_levels = [H.ZLevel(net.n) for _ in levels]
    step, wall_before, best = 0, 0.0, float("inf")
    state_path = args.out + ".pt"
    if args.resume and os.path.exists(args.out):
        f = modelfile.read(args.out)
        hp, z_levels = H.from_tensors(f["tensors"], net.n, net.m, len(levels))
    else:
        with torch.no_grad():  # start σ at each channel's spread and μ at its mean
            ys = torch.cat([y.flatten(1) for y in train], dim=1)
            hp.h_s["2"].bias[:net.m] = ys.mean(dim=1)
            hp.h_s["2"].bias[net.m:] = (ys - ys.mean(dim=1, keepdim=True)).abs().mean(dim=1)  # Laplace: b = E|y - μ|
            hp.h_s["2"].weight.mul_(0.1)
            # z must start well above the unit rounding noise, or h_s learns to ignore it and z collapses to
            # nothing (seen: z at 0.0001 bpp and the rate 20 % above the factorized prior's after 1,500 steps);
            # --z-warmup then lets h_s learn to use z before z's bits count in full
            crops = torch.stack([y[:, :args.crop, :args.crop] for y in train[::max(1, len(train) // 16)]])
            z_std = hp.analysis(crops).transpose(0, 1).flatten(1).std(dim=1).clamp(min=1e-3)
            for zl in z_levels:
                zl.z_log_gain.copy_(torch.log(4.0 / z_std))
    params = list(hp.parameters()) + [p for z in z_levels for p in z.parameters()]
    opt = torch.optim.Adam([{"params": list(hp.parameters()), "lr": args.lr, "base": args.lr},
                            {"params": [p for z in z_levels for p in z.parameters()], "lr": args.level_lr,
                             "base": args.level_lr}])
    step, wall_before, best = resume(args, state_path, opt, rng, step, wall_before, best)
    weights, pick, stop = loop_setup(levels, train)
    L, B, c = len(levels), args.batch, args.crop
    print("training the hyperprior of %s: N=%d M=%d, %d levels, %d latents, %d validation images, batch %d of %d²,"
          " from step %d" % (args.init, net.n, net.m, L, len(train), len(val), B, c, step), flush=True)
    start = last_ckpt = last_print = time.time()
    sums = np.zeros((L, 2))

    def checkpoint(now):
        nonlocal best
        wall = wall_before + now - start
        best = keep(args, validate(hp, levels, z_levels, val, base),
                    "frozen transforms of %s; batch=%d crop=%d lr=%s level-lr=%s" % (
                        args.init, B, c, args.lr, args.level_lr),
                    lambda path, notes: write(path, model_id, net, levels, hp, z_levels, args, step, wall, notes),
                    opt, rng, step, wall, best, state_path)

    total = args.minutes * 60
    while step < args.steps and not stop["now"]:
        elapsed = time.time() - start
        if total and elapsed > total:
            break
        late = (total and elapsed > args.lr_drop * total) or (not total and step > args.lr_drop * args.steps)
        for g in opt.param_groups:
            g["lr"] = g["base"] / 10 if late else g["base"]
        y, level_of = sample(train, pick, rng, B, c, L, step)
        idx = torch.tensor(level_of)
        lg = torch.stack([l.log_gain for l in levels])[idx]
        zg = torch.stack([z.z_log_gain for z in z_levels])[idx]
        zp = torch.stack([z.z_prior for z in z_levels])[idx]
        noise_y = torch.rand_like(y) - 0.5
        noise_z = torch.rand((B, net.n, c // 4, c // 4)) - 0.5
        by, bz = H.rate(hp, lg, zg, zp, y, noise_y, noise_z)
        bpp = (by + bz) / (c * c * 256)
        w = torch.tensor([weights[i] for i in level_of])
        z_weight = min(1.0, step / args.z_warmup) if args.z_warmup else 1.0
        loss = (w * (by + z_weight * bz)).sum() / (B * c * c * 256)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(params, args.clip)
        if not torch.isfinite(norm):
            sys.exit("training diverged at step %d (the last checkpoint is kept)" % step)
        opt.step()
        step += 1
        now = time.time()
        if report(sums, level_of, bpp, step, B, now, last_print, opt.param_groups[0]["lr"]):
            last_print = now
        if now - last_ckpt > args.checkpoint_minutes * 60:
            checkpoint(now)
            last_ckpt = now
    checkpoint(time.time())
    print("wrote %s at step %d" % (args.out, step), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
