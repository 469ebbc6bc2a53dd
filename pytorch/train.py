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
    """uint8 [N,S,S,3] from pack_crops.py's file (PNG-coded crops, or raw pixels with --raw)."""
    f = np.load(path)
    if "crops" in f:
        return f["crops"]
    from PIL import Image  # only for PNG-coded crops
    import io
    png, off = f["png"], f["offsets"]
    return np.stack([np.asarray(Image.open(io.BytesIO(png[off[i]:off[i + 1]].tobytes())).convert("RGB"))
                     for i in range(len(off) - 1)])


def write(path, net, levels, args, step, wall):
    data = modelfile.encode(os.path.basename(args.out).rsplit(".", 1)[0], net.n, net.m, M.to_tensors(net, levels),
                            [(l.quality, l.lam) for l in levels],
                            {"trainer": "pytorch/train.py (torch %s, %s)" % (torch.__version__, args.device),
                             "command": " ".join(sys.argv), "seed": args.seed, "steps": step, "wall_seconds": wall,
                             "data": args.crops, "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                             "notes": "lambda=%s batch=%d crop=%d lr=%s clip=%s" % (
                                 args.lambdas, args.batch, args.crop, args.lr, args.clip)})
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def main(argv):
    args = parse_args(argv)
    dev = torch.device(args.device)
    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.allow_tf32 = True
    torch.backends.cudnn.benchmark = True
    torch.manual_seed(args.seed)
    crops = torch.from_numpy(load_crops(args.crops)).to(dev)  # [N,S,S,3] uint8
    n_crops, size = crops.shape[0], crops.shape[1]
    if args.crop > size or args.crop % 16:
        sys.exit("--crop must be a multiple of 16 and at most the packed size %d" % size)
    source = args.out if args.resume and os.path.exists(args.out) else args.init
    net, file_levels = M.from_file(modelfile.read(source))
    levels = start_levels(file_levels, args.lambdas, args.qualities, net.m) if source == args.init else file_levels
    net.to(dev)
    for l in levels:
        l.to(dev)
    params = list(net.parameters()) + [p for l in levels for p in l.parameters()]
    opt = torch.optim.Adam(params, lr=args.lr, eps=1e-8)
    step, wall_before = 0, 0.0
    if source == args.out:
        state = torch.load(args.out + ".pt", map_location=dev)
        opt.load_state_dict(state["optimizer"])
        step, wall_before = state["step"], state["wall"]
    weights = M.level_weights(levels)
    drop = args.lr_drop_step or int(0.8 * args.steps)
    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
    signal.signal(signal.SIGINT, lambda *_: stop.update(now=True))
    print("training %s: N=%d M=%d, %d levels, %d crops of %d² on %s, from step %d" % (
        source, net.n, net.m, len(levels), n_crops, size, dev, step), flush=True)
    gen = torch.Generator(device=dev)
    start = last_ckpt = last_print = time.time()
    sums = np.zeros((len(levels), 3))
    L, B, c = len(levels), args.batch, args.crop

    def checkpoint():
        wall = wall_before + time.time() - start
        write(args.out, net, levels, args, step, wall)
        torch.save({"optimizer": opt.state_dict(), "step": step, "wall": wall}, args.out + ".pt.tmp")
        os.replace(args.out + ".pt.tmp", args.out + ".pt")

    while step < args.steps and not stop["now"]:
        if args.minutes and time.time() - start > args.minutes * 60:
            break
        gen.manual_seed(args.seed * 1_000_003 + step)
        idx = torch.randint(n_crops, (B,), device=dev, generator=gen)
        off = torch.randint(size - c + 1, (B, 2), device=dev, generator=gen).tolist()
        flip = torch.rand(B, device=dev, generator=gen).tolist()
        batch = []
        for i in range(B):
            t = crops[idx[i], off[i][0]:off[i][0] + c, off[i][1]:off[i][1] + c]
            batch.append(t.flip(1) if flip[i] < 0.5 else t)
        x = torch.stack(batch).permute(0, 3, 1, 2).float() / 255
        level_of = [(step * B + i) % L for i in range(B)]
        noise = torch.rand((B, net.m, c // 16, c // 16), device=dev, generator=gen) - 0.5  # total stride 16
        for g in opt.param_groups:
            g["lr"] = args.lr if step < drop else args.lr / 10
        opt.zero_grad(set_to_none=True)
        loss, bpp, mse = M.batch_loss(net, levels, level_of, weights, x, noise)
        (loss / B).backward()
        norm = torch.nn.utils.clip_grad_norm_(params, args.clip)
        if not torch.isfinite(norm):
            sys.exit("training diverged at step %d" % step)
        opt.step()
        step += 1
        for i, l in enumerate(level_of):
            sums[l] += (1, bpp[i].item(), mse[i].item())
        now = time.time()
        if now - last_print > 30:
            rate = " ".join("q%g %.3f/%.2f" % (levels[l].quality, sums[l, 1] / sums[l, 0],
                                               10 * math.log10(sums[l, 0] / max(sums[l, 2], 1e-12)))
                            for l in range(L) if sums[l, 0])
            print("step %d  %.1f steps/s  bpp/PSNR per level: %s" % (step, sums[:, 0].sum() / B / (now - last_print),
                                                                      rate), flush=True)
            sums[:] = 0
            last_print = now
        if now - last_ckpt > args.checkpoint_minutes * 60:
            checkpoint()
            last_ckpt = now
    checkpoint()
    print("wrote %s at step %d (%.0f s)" % (args.out, step, time.time() - start), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
