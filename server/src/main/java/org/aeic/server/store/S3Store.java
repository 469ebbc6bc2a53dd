package org.aeic.server.store;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.aeic.codec.io.OneLine;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Any S3-compatible object store ({@code s3://bucket/prefix}), through the AWS SDK for Java v2. An object is
 * {@code prefix/id.aeic} with its attributes as user metadata; S3 makes a PUT visible whole or not at all, so there is
 * no temporary object. Endpoint, region and credentials come from the server's flags or, where those are absent,
 * from the SDK's usual sources (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION, profiles, ...).
 */
public final class S3Store implements ImageStore {
    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final String where;

    /** Where and as whom to connect; null fields fall back to the SDK's defaults. */
    public record Settings(String endpoint, String region, String accessKey, String secretKey) {
    }

    /** @param location {@code s3://bucket} or {@code s3://bucket/prefix} */
    public S3Store(String location, Settings settings) throws IOException {
        URI uri = URI.create(location);
        if (!"s3".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IOException("not an S3 location (s3://bucket/prefix): " + location);
        }
        this.bucket = uri.getHost();
        String p = uri.getPath() == null ? "" : uri.getPath().replaceAll("^/+|/+$", "");
        this.prefix = p.isEmpty() ? "" : p + "/";
        var b = S3Client.builder().httpClientBuilder(UrlConnectionHttpClient.builder());
        if (settings.endpoint() != null) {
            // S3-compatible servers (MinIO, Ceph, S3Proxy, ...) are addressed by path, not by virtual host
            b.endpointOverride(URI.create(settings.endpoint())).forcePathStyle(true)
                    // the SDK's default CRC32 trailers (since 2.30) are not implemented by many S3-compatible servers
                    .requestChecksumCalculation(software.amazon.awssdk.core.checksums.RequestChecksumCalculation
                            .WHEN_REQUIRED)
                    .responseChecksumValidation(software.amazon.awssdk.core.checksums.ResponseChecksumValidation
                            .WHEN_REQUIRED);
        }
        b.region(Region.of(settings.region() != null ? settings.region() : regionOrDefault()));
        AwsCredentialsProvider credentials = settings.accessKey() != null && settings.secretKey() != null
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKey(),
                        settings.secretKey()))
                : DefaultCredentialsProvider.builder().build();
        b.credentialsProvider(credentials);
        this.s3 = b.build();
        this.where = "S3 bucket " + bucket + (prefix.isEmpty() ? "" : " prefix " + prefix)
                + (settings.endpoint() == null ? "" : " at " + settings.endpoint());
        try {
            s3.headBucket(r -> r.bucket(bucket));
        } catch (SdkException e) {
            s3.close();
            throw new IOException("cannot reach " + where + ": " + OneLine.of(e), e);
        }
    }

    private static String regionOrDefault() {
        String r = System.getenv("AWS_REGION");
        return r != null && !r.isBlank() ? r : "us-east-1";
    }

    private String key(String id) {
        return prefix + id + SUFFIX;
    }

    @Override
    public boolean put(String id, byte[] bytes, Map<String, String> attributes) throws IOException {
        try {
            if (exists(id)) {
                return false;
            }
            s3.putObject(r -> r.bucket(bucket).key(key(id)).contentType("image/x-aeic").metadata(attributes),
                    RequestBody.fromBytes(bytes));
            return true;
        } catch (SdkException e) {
            throw new IOException("cannot store " + id + " in " + where + ": " + OneLine.of(e), e);
        }
    }

    @Override
    public Optional<StoredImage> get(String id) throws IOException {
        try {
            ResponseBytes<GetObjectResponse> r = s3.getObjectAsBytes(g -> g.bucket(bucket).key(key(id)));
            return Optional.of(new StoredImage(r.asByteArray(), r.response().metadata()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw new IOException("cannot read " + id + " from " + where + ": " + OneLine.of(e), e);
        }
    }

    @Override
    public boolean exists(String id) throws IOException {
        try {
            s3.headObject(HeadObjectRequest.builder().bucket(bucket).key(key(id)).build());
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw new IOException("cannot look up " + id + " in " + where + ": " + OneLine.of(e), e);
        } catch (SdkException e) {
            throw new IOException("cannot look up " + id + " in " + where + ": " + OneLine.of(e), e);
        }
    }

    @Override
    public boolean delete(String id) throws IOException {
        try {
            if (!exists(id)) {
                return false;
            }
            s3.deleteObject(r -> r.bucket(bucket).key(key(id)));
            return true;
        } catch (SdkException e) {
            throw new IOException("cannot delete " + id + " from " + where + ": " + OneLine.of(e), e);
        }
    }

    @Override
    public List<String> list(String after, int limit) throws IOException {
        List<String> ids = new ArrayList<>();
        String token = null;
        try {
            do {
                ListObjectsV2Request.Builder req = ListObjectsV2Request.builder().bucket(bucket).prefix(prefix)
                        .maxKeys(Math.min(1000, limit - ids.size() + 1));
                if (token != null) {
                    req.continuationToken(token);
                } else if (after != null) {
                    req.startAfter(key(after));
                }
                ListObjectsV2Response page = s3.listObjectsV2(req.build());
                for (S3Object o : page.contents()) {
                    String id = ImageStore.listedId(o.key().substring(prefix.length()), after);
                    if (id != null) {
                        ids.add(id);
                        if (ids.size() >= limit) {
                            return ids;
                        }
                    }
                }
                token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
            } while (token != null);
            return ids;
        } catch (SdkException e) {
            throw new IOException("cannot list " + where + ": " + OneLine.of(e), e);
        }
    }

    @Override
    public Usage usage() throws IOException {
        long n = 0;
        long bytes = 0;
        try {
            for (var page : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix))) {
                for (S3Object o : page.contents()) {
                    if (o.key().endsWith(SUFFIX)) {
                        n++;
                        bytes += o.size();
                    }
                }
            }
            return new Usage(n, bytes);
        } catch (SdkException e) {
            throw new IOException("cannot list " + where + ": " + OneLine.of(e), e);
        }
    }

    @Override
    public String describe() {
        return where;
    }

    @Override
    public void close() {
        s3.close();
    }
}
