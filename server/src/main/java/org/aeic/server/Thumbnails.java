package org.aeic.server;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/** Scaling an image down to fit a box, for thumbnails: halving steps, then one bilinear step to the size. */
final class Thumbnails {
    private Thumbnails() {
    }

    /** The size that fits {@code w} × {@code h} into {@code maxW} × {@code maxH} (0: unbounded), keeping the aspect. */
    static int[] fitSize(int w, int h, int maxW, int maxH) {
        double scale = 1;
        if (maxW > 0 && w > maxW) {
            scale = Math.min(scale, (double) maxW / w);
        }
        if (maxH > 0 && h > maxH) {
            scale = Math.min(scale, (double) maxH / h);
        }
        return new int[] {Math.max(1, (int) Math.round(w * scale)), Math.max(1, (int) Math.round(h * scale))};
    }

    static BufferedImage fit(BufferedImage img, int maxW, int maxH) {
        int[] size = fitSize(img.getWidth(), img.getHeight(), maxW, maxH);
        if (size[0] == img.getWidth() && size[1] == img.getHeight()) {
            return img;
        }
        boolean alpha = img.getColorModel().hasAlpha();
        int type = alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB;
        BufferedImage cur = img;
        int w = img.getWidth();
        int h = img.getHeight();
        do { // halving first: one bilinear step from far above the size would skip pixels and alias
            w = Math.max(size[0], w / 2);
            h = Math.max(size[1], h / 2);
            BufferedImage next = new BufferedImage(w, h, type);
            Graphics2D g = next.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(cur, 0, 0, w, h, null);
            g.dispose();
            cur = next;
        } while (w != size[0] || h != size[1]);
        return cur;
    }
}
