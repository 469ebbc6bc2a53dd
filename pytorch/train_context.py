"""Trains the checkerboard context model (c_x) on latents of frozen transforms and frozen factorized levels.

    python3 pytorch/train_context.py --data ../shared/datasets/train --init models/aeic-vr-n128m192.aeicm \\
        --out ctx.aeicm --exclude photos/003.png,photos/011.png --cache latents.pt --minutes 40

As train_hyper.py: the analysis of --init runs once over every training image and its mirror image (--cache keeps
the latents, the same file train_hyper.py makes), and each step is only the context model on 8 random 32 × 32
crops of them, one per level. The anchors are coded as the factorized prior codes them, so the loss is the bits of
the other half of the latent under Laplace(μ, σ) predicted from the anchors, Σ_levels weight · bits / pixels. The
validation photos (--exclude) are never trained on: at every checkpoint their whole-image rate with rounding, as
the codec codes them, is printed against the factorized prior's and the best checkpoint kept as OUT.best.aeicm.
`java -cp cli/target/aeic.jar org.aeic.codec.train.WriteTables OUT.aeicm model.aeicm` writes the integer tables.
"""
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from aeic_torch import context as C  # noqa: E402
from aeic_torch import model as M  # noqa: E402
from aeic_torch import modelfile  # noqa: E402
import train_hyper as T  # noqa: E402

KIND = "checkerboard-gdn"
KIND3 = "checkerboard3-gdn"


def write(path, model_id, net, levels, ctx, args, step, wall, notes, sub=None):
    tensors = [t for t in M.to_tensors(net, levels)] + C.to_tensors(ctx) + (C.to_tensors(sub) if sub else [])
    data = modelfile.encode(model_id, net.n, net.m, tensors, [(l.quality, l.lam) for l in levels],
                            {"trainer": "pytorch/train_context.py (torch %s, cpu)" % torch.__version__,
                             "command": " ".join(sys.argv), "seed": args.seed, "steps": step, "wall_seconds": wall,
                             "data": args.data, "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                             "notes": notes}, kind=KIND3 if sub else KIND)
    modelfile.write_atomically(path, data)


def main(argv):
    args = T.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    model_id = args.id or os.path.basename(args.out).rsplit(".", 1)[0]
    net, levels = M.from_file(modelfile.read(args.init))
    for p in list(net.parameters()) + [p for l in levels for p in l.parameters()]:
        p.requires_grad_(False)
    cache = torch.load(args.cache)
    train, val = [y for y in cache["train"] if min(y.shape[1:]) >= args.crop], cache["val"]
    base = [sum(T.factorized_bits(lv, y[None]) for y in val) for lv in levels]
    per_level = len(levels) if args.level_conditioning else 0
    ctx = C.Checkerboard(net.n, net.m, per_level, args.context_depth)
    step, wall_before, best = 0, 0.0, float("inf")
    state_path = args.out + ".pt"
    sub = None
    if args.resume and os.path.exists(args.out):
        stored = modelfile.read(args.out)["tensors"]
        ctx = C.from_tensors(stored, net.n, net.m, per_level, args.context_depth)
        if args.three_pass:
            sub = C.sub_from_tensors(stored, net.n, net.m)
    else:
        with torch.no_grad():  # start at each channel's mean and mean absolute deviation (a Laplace's scale)
            ys = torch.cat([y.flatten(1) for y in train], dim=1)
            last = ctx.c_x[str(ctx.depth - 1)]
            last.bias[:net.m] = ys.mean(dim=1)
            last.bias[net.m:] = (ys - ys.mean(dim=1, keepdim=True)).abs().mean(dim=1)
            last.weight.mul_(0.1)
    if args.three_pass and sub is None:  # pass 2 starts as the factorized prior would code it, roughly
        sub = C.Subgrid(net.n, net.m)
        with torch.no_grad():
            ys = torch.cat([y.flatten(1) for y in train], dim=1)
            sub.c_1["1"].bias[:net.m] = ys.mean(dim=1)
            sub.c_1["1"].bias[net.m:] = (ys - ys.mean(dim=1, keepdim=True)).abs().mean(dim=1)
            sub.c_1["1"].weight.mul_(0.1)
    groups = [{"params": list(ctx.parameters()), "scale": args.context_lr_factor if sub else 1.0}]
    if sub:
        groups.append({"params": list(sub.parameters()), "scale": 1.0})
    opt = torch.optim.Adam(groups, lr=args.lr)
    step, wall_before, best = T.resume(args, state_path, opt, rng, step, wall_before, best)
    for g, spec in zip(opt.param_groups, groups):  # a resumed optimizer brings its old factors: these args win
        g["scale"] = spec["scale"]
    weights, pick, stop = T.loop_setup(levels, train)
    L, B, c = len(levels), args.batch, args.crop
    print("training the checkerboard context of %s: N=%d M=%d, %d levels, %d latents, %d validation images, batch %d"
          " of %d², from step %d" % (args.init, net.n, net.m, L, len(train), len(val), B, c, step), flush=True)
    start = last_ckpt = last_print = time.time()
    sums = np.zeros((L, 2))

    def validate():
        out = []
        with torch.no_grad():
            for li, lv in enumerate(levels):
                bits = pixels = 0.0
                for y in val:
                    if sub:
                        bits += sum(b.item() for b in C.rates3(ctx, sub, lv.log_gain[None], lv.prior[None], y[None],
                                                               None, coded=True))
                        pixels += y.shape[1] * y.shape[2] * 256
                        continue
                    ba, bn = C.rates(ctx, lv.log_gain[None], lv.prior[None], y[None], None,
                                             torch.tensor([li]) if per_level else None, coded=True)
                    bits += (ba + bn).item()
                    pixels += y.shape[1] * y.shape[2] * 256
                out.append((bits / pixels, base[li] / pixels))
        return out

    def checkpoint(now):
        nonlocal best
        wall = wall_before + now - start
        best = T.keep(args, validate(), "frozen transforms and levels of %s; batch=%d crop=%d lr=%s" % (
            args.init, B, c, args.lr),
            lambda path, notes: write(path, model_id, net, levels, ctx, args, step, wall, notes, sub),
            opt, rng, step, wall, best, state_path)

    total = args.minutes * 60
    while step < args.steps and not stop["now"]:
        elapsed = time.time() - start
        if total and elapsed > total:
            break
        late = (total and elapsed > args.lr_drop * total) or (not total and step > args.lr_drop * args.steps)
        for g in opt.param_groups:
            g["lr"] = (args.lr / 10 if late else args.lr) * g["scale"]
        y, level_of = T.sample(train, pick, rng, B, c, L, step)
        idx = torch.tensor(level_of)
        lg = torch.stack([l.log_gain for l in levels])[idx]
        pr = torch.stack([l.prior for l in levels])[idx]
        w = torch.tensor([weights[i] for i in level_of])
        if sub:
            b1, b2, b3 = C.rates3(ctx, sub, lg, pr, y, torch.rand_like(y) - 0.5)
            bpp = (b1 + b2 + b3) / (c * c * 256)
            loss = (w * (b2 + b3)).sum() / (B * c * c * 256)
        else:
            ba, bn = C.rates(ctx, lg, pr, y, torch.rand_like(y) - 0.5, idx if per_level else None)
            bpp = (ba + bn) / (c * c * 256)
            loss = (w * bn).sum() / (B * c * c * 256)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_([p for g in groups for p in g["params"]], args.clip)
        if not torch.isfinite(norm):
            sys.exit("training diverged at step %d (the last checkpoint is kept)" % step)
        opt.step()
        step += 1
        now = time.time()
        if T.report(sums, level_of, bpp, step, B, now, last_print, opt.param_groups[0]["lr"]):
            last_print = now
        if now - last_ckpt > args.checkpoint_minutes * 60:
            checkpoint(now)
            last_ckpt = now
    checkpoint(time.time())
    print("wrote %s at step %d" % (args.out, step), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
