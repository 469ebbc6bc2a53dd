package org.aeic.codec.prior;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class GaussianTablesTest {
    @Test
    void erfcMatchesKnownValues() {
        assertEquals(1.0, GaussianTables.erfc(0), 1e-7);
        assertEquals(0.157299207050285, GaussianTables.erfc(1), 1e-7);
        assertEquals(0.004677734981047, GaussianTables.erfc(2), 1e-8);
        assertEquals(1.842700792949715, GaussianTables.erfc(-1), 1e-7);
        assertEquals(0.5 * 0.317310507862914, GaussianTables.upperTail(1), 1e-8); // P(X > 1σ)
    }
}
