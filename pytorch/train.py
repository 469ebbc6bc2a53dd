"""Trains an AEIC model on a GPU with the PyTorch mirror; the Java trainer stays the reference.

    python3 pytorch/train.py --crops crops.npz --init start.aeicm --out gpu.aeicm \\
        --lambda 0.0005,0.0009,0.0018,0.0035,0.0067,0.013,0.025,0.0483 --steps 20000 --minutes 8

--init is a model file written by `aeic train` (its weights, and its levels when they are the ones asked
for; otherwise every level starts from the file's nearest level scaled by √(λ/λ_file), as the Java
trainer does). To train a wider model, let the Java trainer widen it first (`aeic train --init small.aeicm
--channels-n 192 --channels-m 320 --steps 1 ...`). The output holds weights and level tensors but no
integer tables: make it a codec model with `aeic train --init gpu.aeicm ...` (same λs; a few hundred
steps fine-tune it on the CPU and write the tables). Same loss, level schedule (crop i of step s at
level (s·batch + i) mod L), level weights √(λ̄/λ), gradient clipping and Adam as `aeic train`.
"""
import argparse
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


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--crops", required=True, help="crops from pack_crops.py (.npz)")
    p.add_argument("--init", required=True, help="model file to start from")
    p.add_argument("--out", required=True, help="model file to write (atomically; OUT.pt holds the optimizer)")
    p.add_argument("--lambda", dest="lambdas", required=True, help="comma-separated, increasing")
    p.add_argument("--quality", help="comma-separated, increasing (default 1..L)")
    p.add_argument("--steps", type=int, default=20000)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--crop", type=int, default=128)
    p.add_argument("--lr", type=float, default=1e-4)
    p.add_argument("--lr-drop-step", type=int, default=0, help="lr ÷10 from this step (default 80%% of --steps)")
    p.add_argument("--lr-drop-minutes", type=float, default=0, help="lr ÷10 also once this wall time has passed")
    p.add_argument("--snapshot-before-drop", help="write the model here just before the lr drops")
    p.add_argument("--state", help="optimizer checkpoint (default OUT.pt)")
    p.add_argument("--channels-last", choices=["no", "yes", "auto"], default="no",
                   help="NHWC activations (often faster convolutions on GPUs); auto times both and takes the faster")
    p.add_argument("--clip", type=float, default=1.0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--minutes", type=float, default=0, help="stop (with a checkpoint) after this wall time")
    p.add_argument("--checkpoint-minutes", type=float, default=2)
    p.add_argument("--resume", action="store_true", help="continue from OUT and OUT.pt")
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    a = p.parse_args(argv)
    a.lambdas = [float(v) for v in a.lambdas.split(",")]
    a.qualities = [float(v) for v in a.quality.split(",")] if a.quality else [i + 1.0 for i in range(len(a.lambdas))]
    if len(a.qualities) != len(a.lambdas) or any(
            not (a.lambdas[i] > a.lambdas[i - 1] and a.qualities[i] > a.qualities[i - 1]) for i in range(1, len(a.lambdas))):
        p.error("give one quality per λ; λ and quality must both increase")
    return a


def start_levels(file_levels, lambdas, qualities, m):
    """The configured levels from a file's: copied when they match, else scaled from the nearest (Trainer)."""
    same = len(file_levels) == len(lambdas) and all(
        abs(fl.lam - np.float32(l)) == 0 and fl.quality == q for fl, l, q in zip(file_levels, lambdas, qualities))
    out = []
    for i, (lam, q) in enumerate(zip(lambdas, qualities)):
        src = file_levels[i] if same else min(file_levels, key=lambda f: abs(math.log(f.lam / lam)))
        level = M.RateLevel(q, lam, m)
        f = 1.0 if same else math.sqrt(lam / src.lam)
        with torch.no_grad():
            level.log_gain.copy_(src.log_gain + math.log(f))
            prior = src.prior.clone()
            prior[:, M.MIXTURE:2 * M.MIXTURE] *= f
            prior[:, 2 * M.MIXTURE:] += math.log(f)
            level.prior.copy_(prior)
        out.append(level)
    return out


def load_crops(path):
    """The images of pack_crops.py's file as uint8 [H,W,3] arrays: crops (PNG- or JPEG-coded, or raw pixels
    with --raw) or whole images (--whole)."""
    f = np.load(path)
    if "crops" in f:
        return list(f["crops"])
    from PIL import Image  # only for coded images
    import io
    coded, off = f["png"], f["offsets"]
    return [np.asarray(Image.open(io.BytesIO(coded[off[i]:off[i + 1]].tobytes())).convert("RGB"))
            for i in range(len(off) - 1)]


class Sampler:
    """Random flipped crops, the image chosen in proportion to its area (TrainingData.sample); the choices are
    drawn on the CPU so that a step never waits for the GPU."""

    def __init__(self, images, crop, seed, dev):
        self.images = [torch.from_numpy(np.array(i)).to(dev) for i in images if min(i.shape[:2]) >= crop]
        if not self.images:
            sys.exit("no packed image is at least --crop %d pixels on each side" % crop)
        area = np.array([i.shape[0] * i.shape[1] for i in self.images], dtype=np.float64)
        self.p = area / area.sum()
        self.crop = crop
        self.rng = np.random.default_rng(seed)

    def batch(self, b):
        c, out = self.crop, []
        for i in self.rng.choice(len(self.images), size=b, p=self.p):
            img = self.images[i]
            y = self.rng.integers(0, img.shape[0] - c + 1)
            x = self.rng.integers(0, img.shape[1] - c + 1)
            t = img[y:y + c, x:x + c]
            out.append(t.flip(1) if self.rng.random() < 0.5 else t)
        return torch.stack(out).permute(0, 3, 1, 2).float() / 255


def write(path, net, levels, args, step, wall, hyper=None):
    if hyper is None:
        tensors, kind = M.to_tensors(net, levels), "factorized-gdn"
    else:  # a mean-scale hyperprior model: the levels keep their gains, their priors are the z priors
        tensors = [t for t in M.to_tensors(net, levels) if not (t[0].startswith("level.") and t[0].endswith(".prior"))]
        tensors, kind = tensors + H.to_tensors(*hyper), "mean-scale-gdn"
    data = modelfile.encode(os.path.basename(args.out).rsplit(".", 1)[0], net.n, net.m, tensors,
                            [(l.quality, l.lam) for l in levels],
                            {"trainer": "pytorch/train.py (torch %s, %s)" % (torch.__version__, args.device),
                             "command": " ".join(sys.argv), "seed": args.seed, "steps": step, "wall_seconds": wall,
                             "data": args.crops, "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                             "notes": "lambda=%s batch=%d crop=%d lr=%s clip=%s" % (
                                 args.lambdas, args.batch, args.crop, args.lr, args.clip)}, kind=kind)
    modelfile.write_atomically(path, data)


def main(argv):
    args = parse_args(argv)
    dev = torch.device(args.device)
    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.allow_tf32 = True
    torch.backends.cudnn.benchmark = True
    torch.manual_seed(args.seed)
    if args.crop % 16:
        sys.exit("--crop must be a multiple of 16")
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    images = load_crops(args.crops)
    sampler = Sampler(images, args.crop, args.seed * 1_000_003, dev)
    source = args.out if args.resume and os.path.exists(args.out) else args.init
    source_file = modelfile.read(source)
    net, file_levels = M.from_file(source_file)
    hyper = H.from_tensors(source_file["tensors"], net.n, net.m, len(file_levels))
    if hyper is not None and len(file_levels) != len(args.lambdas):
        sys.exit("a hyperprior model keeps its levels: give its %d λs" % len(file_levels))
    levels = start_levels(file_levels, args.lambdas, args.qualities, net.m) if source == args.init else file_levels
    if hyper is not None:
        hyper[0].to(dev)
        for z in hyper[1]:
            z.to(dev)
    net.to(dev)
    for l in levels:
        l.to(dev)
    params = list(net.parameters()) + [p for l in levels for p in l.parameters()]
    if hyper is not None:
        params += list(hyper[0].parameters()) + [p for z in hyper[1] for p in z.parameters()]

    def batch_loss(level_of, x, noise):
        if hyper is None:
            return M.batch_loss(net, levels, level_of, weights, x, noise)
        return H.batch_loss(net, hyper[0], levels, hyper[1], level_of, weights, x, noise)
    opt = torch.optim.Adam(params, lr=args.lr, eps=1e-8, **({"fused": True} if dev.type == "cuda" else {}))
    step, wall_before = 0, 0.0
    if source == args.out:
        state = torch.load(args.out + ".pt", map_location=dev)
        opt.load_state_dict(state["optimizer"])
        step, wall_before = state["step"], state["wall"]
        if "sampler" in state:
            sampler.rng.bit_generator.state = state["sampler"]
    weights = M.level_weights(levels)
    # lr ÷10 at --lr-drop-step, else at --lr-drop-minutes when given (a run timed by --minutes), else at 80 %
    drop = args.lr_drop_step or (args.steps if args.lr_drop_minutes else int(0.8 * args.steps))
    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
    signal.signal(signal.SIGINT, lambda *_: stop.update(now=True))
    print("training %s: N=%d M=%d, %d levels, %d images (%.1f Mpx) on %s, batch %d of %d², from step %d" % (
        source, net.n, net.m, len(levels), len(sampler.images), sum(i.numel() for i in sampler.images) / 3e6, dev,
        args.batch, args.crop, step), flush=True)
    gen = torch.Generator(device=dev)
    start = last_ckpt = last_print = time.time()
    L, B, c = len(levels), args.batch, args.crop
    sums = torch.zeros((L, 3), device=dev, dtype=torch.float64)
    finite = torch.ones((), device=dev, dtype=torch.bool)

    def levels_of(s):
        """The level of each crop of step s, and those indices on the device (made once per layout)."""
        level_of = [(s * B + i) % L for i in range(B)]
        return level_of, M.per_crop(levels, level_of, weights, dev, torch.float32)[0]

    def lr_at(s, elapsed):
        late = (args.lr_drop_minutes and elapsed > args.lr_drop_minutes * 60) or s >= drop
        return args.lr / 10 if late else args.lr

    def time_steps(layout, n):
        """Seconds per forward and backward pass of a batch in this memory layout (the weights unchanged)."""
        net.to(memory_format=layout)
        x = sampler.batch(B).contiguous(memory_format=layout)
        level_of, _ = levels_of(0)
        noise = torch.zeros((B, net.m, c // 16, c // 16), device=dev)
        for i in range(n + 3):
            if i == 3:
                torch.cuda.synchronize()
                t0 = time.time()
            batch_loss(level_of, x, noise)[0].backward()
        torch.cuda.synchronize()
        opt.zero_grad(set_to_none=True)
        return (time.time() - t0) / n

    if args.channels_last == "auto" and dev.type == "cuda":
        t_first, t_last = time_steps(torch.contiguous_format, 10), time_steps(torch.channels_last, 10)
        args.channels_last = "yes" if t_last < t_first else "no"
        print("one step's passes: NCHW %.1f ms, NHWC %.1f ms: using %s" % (
            1e3 * t_first, 1e3 * t_last, "NHWC" if args.channels_last == "yes" else "NCHW"), flush=True)
    channels_last = args.channels_last == "yes"
    net.to(memory_format=torch.channels_last if channels_last else torch.contiguous_format)

    state_path = args.state or args.out + ".pt"

    def checkpoint():
        if not bool(finite):
            sys.exit("training diverged before step %d (the last checkpoint is kept)" % step)
        wall = wall_before + time.time() - start
        write(args.out, net, levels, args, step, wall, hyper)
        torch.save({"optimizer": opt.state_dict(), "step": step, "wall": wall,
                    "sampler": sampler.rng.bit_generator.state}, state_path + ".tmp")
        os.replace(state_path + ".tmp", state_path)

    def report(now):
        if not bool(finite):  # checked here and at checkpoints only: a check per step would wait for the GPU
            sys.exit("training diverged before step %d (the last checkpoint is kept)" % step)
        s = sums.cpu().numpy()
        rate = " ".join("q%g %.3f/%.2f" % (levels[l].quality, s[l, 1] / s[l, 0],
                                           10 * math.log10(s[l, 0] / max(s[l, 2], 1e-12)))
                        for l in range(L) if s[l, 0])
        print("step %d  %.1f steps/s  lr %g  bpp/PSNR per level: %s" % (
            step, s[:, 0].sum() / B / (now - last_print), opt.param_groups[0]["lr"], rate), flush=True)
        sums.zero_()

    dropped = lr_at(step, 0) < args.lr

    while step < args.steps and not stop["now"]:
        elapsed = time.time() - start
        if args.minutes and elapsed > args.minutes * 60:
            break
        lr = lr_at(step, elapsed)
        if lr < args.lr and not dropped:
            dropped = True
            if args.snapshot_before_drop:  # the model as it was at the full rate, to compare with the end
                write(args.snapshot_before_drop, net, levels, args, step, wall_before + elapsed, hyper)
        gen.manual_seed(args.seed * 1_000_003 + step)  # the noise of a step is a function of (seed, step)
        x = sampler.batch(B)
        level_of, idx = levels_of(step)
        noise = torch.rand((B, net.m, c // 16, c // 16), device=dev, generator=gen) - 0.5  # total stride 16
        if channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        for g in opt.param_groups:
            g["lr"] = lr
        opt.zero_grad(set_to_none=True)
        loss, bpp, mse = batch_loss(level_of, x, noise)
        (loss / B).backward()
        norm = torch.nn.utils.clip_grad_norm_(params, args.clip)
        finite &= torch.isfinite(norm)
        opt.step()
        step += 1
        sums.index_add_(0, idx, torch.stack([torch.ones_like(bpp), bpp, mse], 1).double())
        now = time.time()
        if now - last_print > 30:
            report(now)
            last_print = now
        if now - last_ckpt > args.checkpoint_minutes * 60:
            checkpoint()
            last_ckpt = now
    checkpoint()
    print("wrote %s at step %d (%.0f s)" % (args.out, step, time.time() - start), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
