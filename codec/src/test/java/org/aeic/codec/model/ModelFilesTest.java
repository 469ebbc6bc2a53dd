package org.aeic.codec.model;

import static org.junit.jupiter.api.Assertions.*;

import org.aeic.codec.AeicException;
import org.aeic.proto.ChannelTable;
import org.junit.jupiter.api.Test;

class ModelFilesTest {
    @Test
    void aStoredTableWithANonFiniteCenterIsRefused() throws AeicException {
        ChannelTable t = ChannelTable.newBuilder().setMinSymbol(0).setPrecisionBits(4).addFreq(8).addFreq(8).build();
        assertEquals(1, ModelFiles.symbolTable(t).size());
        assertThrows(AeicException.class, () -> ModelFiles.symbolTable(t.toBuilder().setCenter(Float.NaN).build()));
        assertThrows(AeicException.class, () -> ModelFiles.symbolTable(t.toBuilder().setCenter(Float.NEGATIVE_INFINITY).build()));
    }
}
