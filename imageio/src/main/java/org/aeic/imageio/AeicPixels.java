package org.aeic.imageio;

import java.awt.Rectangle;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorConvertOp;
import java.awt.image.ColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.util.Arrays;
import org.aeic.codec.image.ImageLoader;

/** Moves decoded pixels into the reader's destination: subsampling, band selection, depth and colour conversion. */
final class AeicPixels {
    private AeicPixels() {
    }

    /**
     * Copies every {@code xSub}-th column of every {@code ySub}-th row of {@code src}, starting at its top left pixel,
     * into {@code destRegion} of {@code dst}.
     *
     * <ul>
     *   <li>With source or destination bands: the selected bands, sample by sample, rescaled to the destination's
     *       sample sizes.</li>
     *   <li>Same colour space (the source's, or sRGB / default grey on both sides): samples rescaled to the
     *       destination's depth, grey spread to R = G = B (or R, G, B averaged to grey, as the codec makes grey),
     *       alpha kept (opaque if the source has none), premultiplied if the destination is.</li>
     *   <li>Otherwise (a source ICC profile into an sRGB destination, a palette destination, ...): colour-converted.
     *   </li>
     * </ul>
     */
    static void copy(final BufferedImage src, final int[] srcBands, final BufferedImage dst, final int[] dstBands,
                     final Rectangle destRegion, final int xSub, final int ySub) {
        int w = destRegion.width;
        int h = destRegion.height;
        if (srcBands != null || dstBands != null) {
            Raster from = srcBands == null ? src.getRaster()
                    : src.getRaster().createChild(0, 0, src.getWidth(), src.getHeight(), 0, 0, srcBands);
            WritableRaster to = dst.getRaster().createWritableChild(destRegion.x, destRegion.y, w, h, 0, 0, dstBands);
            copyBands(from, to, w, h, xSub, ySub);
            return;
        }
        if (sameSamples(src, dst)) {
            copySamples(src, dst, destRegion, xSub, ySub);
            return;
        }
        BufferedImage sub = subsample(src, w, h, xSub, ySub);
        ColorSpace dcs = dst.getColorModel().getColorSpace();
        if (isDefault(dcs) && isComponent(dst)) {
            // the source's own profile into sRGB / default grey: convert to sRGB in one pass, then as samples
            BufferedImage srgb = new BufferedImage(w, h, src.getColorModel().hasAlpha()
                    ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
            new ColorConvertOp(null).filter(sub, srgb);
            if (src.getColorModel().hasAlpha()) { // alpha is no colour: carry it over untouched (to 8 bits)
                copyAlpha(sub, srgb);
            }
            copySamples(srgb, dst, destRegion, 1, 1);
            return;
        }
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            sub.getRGB(0, y, w, 1, row, 0, w);
            dst.setRGB(destRegion.x, destRegion.y + y, w, 1, row, 0, w);
        }
    }

    /** The selected bands, each rescaled from the source's sample size to the destination's. */
    private static void copyBands(final Raster from, final WritableRaster to, final int w, final int h,
                                  final int xSub, final int ySub) {
        int bands = to.getNumBands();
        int[] fromMax = maxima(from);
        int[] toMax = maxima(to);
        int sw = from.getWidth();
        int[] in = new int[sw * bands];
        int[] out = new int[w * bands];
        for (int y = 0; y < h; y++) {
            from.getPixels(from.getMinX(), from.getMinY() + y * ySub, sw, 1, in);
            for (int x = 0; x < w; x++) {
                for (int b = 0; b < bands; b++) {
                    out[x * bands + b] = scale(in[x * xSub * bands + b], fromMax[b], toMax[b]);
                }
            }
            to.setPixels(to.getMinX(), to.getMinY() + y, w, 1, out);
        }
    }

    /** Both images hold integer grey / RGB samples of up to 16 bits in the same colour space. */
    private static boolean sameSamples(final BufferedImage src, final BufferedImage dst) {
        ColorModel scm = src.getColorModel();
        ColorModel dcm = dst.getColorModel();
        if (!isComponent(src) || !isComponent(dst)) {
            return false;
        }
        ColorSpace scs = scm.getColorSpace();
        ColorSpace dcs = dcm.getColorSpace();
        if (scs == dcs || isDefault(scs) && isDefault(dcs)) {
            return true;
        }
        return scs instanceof ICC_ColorSpace && dcs instanceof ICC_ColorSpace
                && Arrays.equals(((ICC_ColorSpace) scs).getProfile().getData(),
                ((ICC_ColorSpace) dcs).getProfile().getData());
    }

    /** Grey or RGB, integer samples of 1..16 bits in bands that follow the colour model's components. */
    private static boolean isComponent(final BufferedImage img) {
        return ImageLoader.isGreyOrRgbSamples(img.getColorModel(), img.getRaster(), false);
    }

    /** sRGB or the JDK's default grey (the spaces of the codec's images without an ICC profile). */
    private static boolean isDefault(final ColorSpace cs) {
        return ImageLoader.isDefaultSpace(cs);
    }

    private static void copySamples(final BufferedImage src, final BufferedImage dst, final Rectangle destRegion,
                                     final int xSub, final int ySub) {
        ColorModel scm = src.getColorModel();
        ColorModel dcm = dst.getColorModel();
        Raster from = src.getRaster();
        WritableRaster to = dst.getRaster();
        int sColors = scm.getNumColorComponents();
        int dColors = dcm.getNumColorComponents();
        boolean sAlpha = scm.hasAlpha();
        boolean dAlpha = dcm.hasAlpha();
        boolean premultiply = dAlpha && dcm.isAlphaPremultiplied();
        int sb = from.getNumBands();
        int db = to.getNumBands();
        int[] sMax = maxima(from);
        int[] dMax = maxima(to);
        int alphaMax = dAlpha ? dMax[dColors] : 0;
        int w = destRegion.width;
        int h = destRegion.height;
        int sw = src.getWidth();
        int[] in = new int[sw * sb];
        int[] out = new int[w * db];
        for (int y = 0; y < h; y++) {
            from.getPixels(0, y * ySub, sw, 1, in);
            for (int x = 0; x < w; x++) {
                int p = x * xSub * sb;
                int q = x * db;
                if (dColors == sColors) {
                    for (int c = 0; c < dColors; c++) {
                        out[q + c] = scale(in[p + c], sMax[c], dMax[c]);
                    }
                } else if (dColors == 3) { // grey spread over R, G, B
                    for (int c = 0; c < 3; c++) {
                        out[q + c] = scale(in[p], sMax[0], dMax[c]);
                    }
                } else { // R, G, B to grey by their mean, as the codec makes grey
                    int grey = (int) (((long) in[p] + in[p + 1] + in[p + 2] + 1) / 3);
                    out[q] = scale(grey, sMax[0], dMax[0]);
                }
                if (dAlpha) {
                    int a = sAlpha ? scale(in[p + sColors], sMax[sColors], alphaMax) : alphaMax;
                    if (premultiply) {
                        for (int c = 0; c < dColors; c++) {
                            out[q + c] = (int) ((out[q + c] * (long) a + alphaMax / 2) / alphaMax);
                        }
                    }
                    out[q + dColors] = a;
                }
            }
            to.setPixels(destRegion.x, destRegion.y + y, w, 1, out);
        }
    }

    /** The pixels subsampling keeps, in an image of the source's type. */
    private static BufferedImage subsample(final BufferedImage src, final int w, final int h,
                                           final int xSub, final int ySub) {
        if (xSub == 1 && ySub == 1 && src.getWidth() == w && src.getHeight() == h) {
            return src;
        }
        ColorModel cm = src.getColorModel();
        BufferedImage sub = new BufferedImage(cm, cm.createCompatibleWritableRaster(w, h), false, null);
        copySamples(src, sub, new Rectangle(0, 0, w, h), xSub, ySub);
        return sub;
    }

    /** The alpha samples of {@code from}, rescaled to the alpha sample size of {@code to}. */
    private static void copyAlpha(final BufferedImage from, final BufferedImage to) {
        Raster source = from.getAlphaRaster();
        WritableRaster alpha = to.getAlphaRaster();
        int fromMax = maxima(source)[0];
        int toMax = maxima(alpha)[0];
        int w = alpha.getWidth();
        int[] row = new int[w];
        for (int y = 0; y < alpha.getHeight(); y++) {
            source.getSamples(0, y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                row[x] = scale(row[x], fromMax, toMax);
            }
            alpha.setSamples(0, y, w, 1, 0, row);
        }
    }

    private static int[] maxima(final Raster raster) {
        int[] sizes = raster.getSampleModel().getSampleSize();
        int[] max = new int[sizes.length];
        for (int b = 0; b < sizes.length; b++) {
            max[b] = (int) ((1L << Math.min(sizes[b], 31)) - 1);
        }
        return max;
    }

    private static int scale(final int v, final int fromMax, final int toMax) {
        return fromMax == toMax ? v : (int) ((v * (long) toMax + fromMax / 2) / fromMax);
    }
}
