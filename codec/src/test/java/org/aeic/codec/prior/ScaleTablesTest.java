package org.aeic.codec.prior;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ScaleTablesTest {
    @Test
    void erfcMatchesKnownValues() {
        assertEquals(1.0, ScaleTables.erfc(0), 1e-7);
        assertEquals(0.157299207050285, ScaleTables.erfc(1), 1e-7);
        assertEquals(0.004677734981047, ScaleTables.erfc(2), 1e-8);
        assertEquals(1.842700792949715, ScaleTables.erfc(-1), 1e-7);
        assertEquals(0.5 * 0.317310507862914, ScaleTables.upperTail(ScaleTables.Family.GAUSSIAN, 1), 1e-8); // P(X > 1σ)
        assertEquals(0.5 * Math.exp(-2), ScaleTables.upperTail(ScaleTables.Family.LAPLACE, 2), 1e-15);
    }
}
