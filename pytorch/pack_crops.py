"""Packs a folder of training images (random square crops, or --whole images) into one .npz for train.py,
small enough to travel with the checkout to a GPU machine (64 MiB in all there).

    /usr/bin/python3 pytorch/pack_crops.py --images ../shared/datasets/train --out pytorch/data/crops.npz \\
        --size 192 --per-image 6
    /usr/bin/python3 pytorch/pack_crops.py --images ../shared/datasets/train --out pytorch/data/crops.npz \\
        --whole --jpeg 95 --half aerials

Crops are taken uniformly from each image (never from Kodak: pass the training folder only) and stored as PNG
(lossless; train.py decodes them with Pillow, which the GPU image has), as JPEG 4:4:4 with --jpeg Q (about 5x
smaller than PNG at Q 95, whose error, 38-44 dB PSNR on train/photos, lies far under the codec's), or, with --raw, as
pixels. --whole keeps every image whole (train.py then crops it anywhere, choosing images by area, as the Java
trainer does); --half DIR halves the images under DIR first (box filter). Needs Pillow (Debian: python3-pil).
"""
import argparse
import io
import os
import sys

import numpy as np
from PIL import Image

SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp", ".ppm")


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--images", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--size", type=int, default=192)
    p.add_argument("--per-image", type=int, default=6)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--raw", action="store_true", help="store raw pixels (train.py then needs only numpy), not PNG")
    p.add_argument("--whole", action="store_true", help="store whole images, not crops")
    p.add_argument("--jpeg", type=int, default=0, help="store JPEG 4:4:4 of this quality, not PNG")
    p.add_argument("--half", action="append", default=[], help="halve the images under this subfolder")
    a = p.parse_args(argv)
    if a.raw and (a.whole or a.jpeg):
        p.error("--raw stores equal-sized crops as pixels: not with --whole or --jpeg")
    rng = np.random.default_rng(a.seed)
    files = sorted(os.path.join(d, f) for d, _, fs in os.walk(a.images) for f in fs if f.lower().endswith(SUFFIXES))
    crops, used = [], 0
    for path in files:
        try:
            im = Image.open(path).convert("RGB")
        except OSError as e:
            print("skipped %s: %s" % (path, e), file=sys.stderr)
            continue
        if any(os.path.relpath(path, a.images).split(os.sep)[0] == d for d in a.half):
            im = im.resize((im.width // 2, im.height // 2), Image.BOX)
        img = np.asarray(im)
        h, w = img.shape[:2]
        if h < a.size or w < a.size:
            continue
        used += 1
        if a.whole:
            crops.append(img)
            continue
        for _ in range(a.per_image):
            y, x = rng.integers(0, h - a.size + 1), rng.integers(0, w - a.size + 1)
            crops.append(img[y:y + a.size, x:x + a.size])
    if not crops:
        sys.exit("no image of at least %d² under %s" % (a.size, a.images))
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    if a.raw and not a.whole:
        np.savez_compressed(a.out, crops=np.stack(crops))
    else:  # lossless and about 1.3x smaller than deflated pixels (measured on train/): more crops travel
        blobs = []
        for c in crops:
            buf = io.BytesIO()
            if a.jpeg:
                Image.fromarray(c).save(buf, format="JPEG", quality=a.jpeg, subsampling=0)
            else:
                Image.fromarray(c).save(buf, format="PNG", optimize=True)
            blobs.append(np.frombuffer(buf.getvalue(), dtype=np.uint8))
        np.savez(a.out, png=np.concatenate(blobs), offsets=np.cumsum([0] + [len(b) for b in blobs]),
                 size=np.array([a.size]))
    print("%d %s from %d images -> %s (%.1f MB)" % (len(crops), "images" if a.whole else "crops of %d²" % a.size,
                                                 used, a.out, os.path.getsize(a.out) / 1e6))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
