#!/usr/bin/env python3
"""Makes the MS-SSIM test pair in this folder and prints the reference values.

  python3 make_pair.py [OUTDIR]     (numpy only; imports imgmetrics from shared/tools beside the repository)

original.png: a 211x173 (odd on both sides, so that every pooling step pads) synthetic RGB picture with gradients,
edges and texture; distorted.png: the same blurred with a 3x3 binomial kernel, plus seeded Gaussian noise (sigma 4),
rounded and clipped to 8 bits. Prints PSNR-RGB and MS-SSIM-RGB from shared/tools/imgmetrics.py on the arrays that
were written (the PNGs are lossless, so reading them back gives the same arrays).
"""
import os
import struct
import sys
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
for p in (os.path.join(HERE, "../../../../../../shared/tools"), "/work/shared/tools"):
    if os.path.isdir(p):
        sys.path.insert(0, p)
import imgmetrics  # noqa: E402


def write_png(path, img):
    h, w, _ = img.shape
    raw = b"".join(b"\x00" + img[y].tobytes() for y in range(h))

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else HERE
    w, h = 211, 173
    rng = np.random.default_rng(20261127)
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    r = 128 + 90 * np.sin(x / 17.0) * np.cos(y / 23.0)
    g = 40 + 170 * (x / w) * (y / h) + 30 * ((x // 16 + y // 16) % 2)
    b = 200 - 150 * np.exp(-((x - 120) ** 2 + (y - 70) ** 2) / 900.0)
    img = np.stack([r, g, b], axis=2) + rng.normal(0, 6, (h, w, 3))
    img[40:90, 20:70] = [230, 30, 40]  # a flat block with sharp edges
    orig = np.clip(np.rint(img), 0, 255).astype(np.uint8)
    k = np.array([1, 2, 1], float) / 4
    f = orig.astype(np.float64)
    p = np.pad(f, ((1, 1), (1, 1), (0, 0)), mode="edge")
    f = sum(k[i] * p[i:i + h, 1:w + 1] for i in range(3))
    p = np.pad(f, ((0, 0), (1, 1), (0, 0)), mode="edge")
    f = sum(k[i] * p[:, i:i + w] for i in range(3))
    dist = np.clip(np.rint(f + rng.normal(0, 4, f.shape)), 0, 255).astype(np.uint8)
    write_png(os.path.join(out, "original.png"), orig)
    write_png(os.path.join(out, "distorted.png"), dist)
    print("psnr_rgb    %.15f" % imgmetrics.psnr_rgb(orig, dist))
    print("ms_ssim_rgb %.15f" % imgmetrics.ms_ssim_rgb(orig, dist))


if __name__ == "__main__":
    main()
