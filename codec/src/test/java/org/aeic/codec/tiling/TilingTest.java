package org.aeic.codec.tiling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.Rectangle;
import org.aeic.codec.model.FactorizedModel;
import org.junit.jupiter.api.Test;

/**
 * The tiles' windows are the receptive fields of the bundled transforms' shape (four 5 x 5 layers of stride 2), within
 * the overlap. That they are wide enough, CodecRoundTripTest checks: tiled images decode bit for bit as whole ones.
 */
class TilingTest {
    private final FactorizedModel net = new FactorizedModel(8, 8);

    @Test
    void receptiveFieldsOfTheTransforms() {
        // latent i reads pixels 16 i - 30 .. 16 i + 30
        assertArrayEquals(new int[] {-30, 30}, net.analysis.inputSpan(0, 0));
        assertArrayEquals(new int[] {16 * 5 - 30, 16 * 9 + 30}, net.analysis.inputSpan(5, 9));
        // the pixels of latent i (16 i .. 16 i + 15) read latents i - 1 .. i + 2
        assertArrayEquals(new int[] {-1, 2}, net.synthesis.inputSpan(0, 15));
        assertArrayEquals(new int[] {31, 35}, net.synthesis.inputSpan(512, 543));
    }

    @Test
    void interiorTileReadsItsReceptiveFieldOnly() {
        Tiling.TileRect r = Tiling.tileRect(4000, 3000, 512, 8 + 1); // the second row's second tile
        assertEquals(new Tiling.TileRect(512, 512, 512, 512), r);
        // 30 pixels before, 30 - 15 after, widened to the stride: 560 x 560 instead of 640 x 640
        assertEquals(new Rectangle(480, 480, 560, 560), analysis(4000, 3000, r, Tiling.OVERLAP));
        // latents 32 .. 63 and one before, two after: 35 x 35 instead of 40 x 40
        assertEquals(new Rectangle(31, 31, 35, 35), synthesis(4000, 3000, r, Tiling.OVERLAP));
    }

    @Test
    void windowsStayWithinTheOverlapAndTheImage() {
        Tiling.TileRect first = Tiling.tileRect(1000, 600, 512, 0);
        assertEquals(new Rectangle(0, 0, 528, 528), analysis(1000, 600, first, Tiling.OVERLAP));
        assertEquals(new Rectangle(0, 0, 34, 34), synthesis(1000, 600, first, Tiling.OVERLAP));
        Tiling.TileRect last = Tiling.tileRect(1000, 600, 512, 3); // 488 x 88, at the padded image's corner
        assertEquals(new Tiling.TileRect(512, 512, 488, 88), last);
        assertEquals(new Rectangle(480, 480, 528, 128), analysis(1000, 600, last, Tiling.OVERLAP));
        assertEquals(new Rectangle(31, 31, 32, 7), synthesis(1000, 600, last, Tiling.OVERLAP));
        // a stream's smaller overlap bounds the window (16 pixels: one latent each side), none leaves the tile alone
        Tiling.TileRect r = Tiling.tileRect(4000, 3000, 512, 9);
        assertEquals(new Rectangle(496, 496, 544, 544), analysis(4000, 3000, r, 16));
        assertEquals(new Rectangle(31, 31, 34, 34), synthesis(4000, 3000, r, 16));
        assertEquals(new Rectangle(512, 512, 512, 512), analysis(4000, 3000, r, 0));
        assertEquals(new Rectangle(32, 32, 32, 32), synthesis(4000, 3000, r, 0));
    }

    private Rectangle analysis(int width, int height, Tiling.TileRect r, int overlap) {
        return Tiling.analysisWindow(width, height, r, overlap, net.analysis);
    }

    private Rectangle synthesis(int width, int height, Tiling.TileRect r, int overlap) {
        return Tiling.synthesisWindow(width, height, r, overlap, net.synthesis);
    }
}
