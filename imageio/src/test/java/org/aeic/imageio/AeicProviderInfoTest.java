package org.aeic.imageio;

import com.twelvemonkeys.imageio.spi.ReaderWriterProviderInfo;
import com.twelvemonkeys.imageio.spi.ReaderWriterProviderInfoTest;

/** TwelveMonkeys' contract test of the provider info: the named classes exist and have the right types. */
public class AeicProviderInfoTest extends ReaderWriterProviderInfoTest {
    @Override
    protected ReaderWriterProviderInfo createProviderInfo() {
        return new AeicProviderInfo();
    }
}
