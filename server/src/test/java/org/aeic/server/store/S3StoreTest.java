package org.aeic.server.store;

import java.net.URI;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The store contract against a real S3-protocol server: S3Proxy over an in-memory blob store, on a free loopback
 * port in this JVM, with signature-v4 credentials as a real bucket would want.
 */
class S3StoreTest extends StoreContract {
    static final String ACCESS = "test-access";
    static final String SECRET = "test-secret";
    static S3Proxy proxy;
    static BlobStoreContext blobs;
    static int bucketCount;

    /** S3Proxy and its Jetty log each start at INFO; held here so that the level sticks (JUL keeps weak refs). */
    static final java.util.logging.Logger QUIET = java.util.logging.Logger.getLogger("org.gaul");

    @BeforeAll
    static void startS3Proxy() throws Exception {
        QUIET.setLevel(java.util.logging.Level.WARNING);
        Properties p = new Properties();
        blobs = ContextBuilder.newBuilder("transient").credentials("identity", "credential").overrides(p)
                .build(BlobStoreContext.class);
        proxy = S3Proxy.builder().blobStore(blobs.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET).build();
        proxy.start();
        for (int i = 0; i < 500 && !"STARTED".equals(proxy.getState()); i++) {
            Thread.sleep(10);
        }
    }

    @AfterAll
    static void stopS3Proxy() throws Exception {
        if (proxy != null) {
            proxy.stop();
        }
        if (blobs != null) {
            blobs.close();
        }
    }

    static String endpoint() {
        return "http://127.0.0.1:" + proxy.getPort();
    }

    /** A fresh bucket for each test, with a prefix, as a shared bucket would be used. */
    @Override
    ImageStore store() throws Exception {
        String bucket = "aeic-test-" + (++bucketCount);
        blobs.getBlobStore().createContainerInLocation(null, bucket);
        return new S3Store("s3://" + bucket + "/images/v1", new S3Store.Settings(endpoint(), "us-east-1", ACCESS,
                SECRET));
    }
}
