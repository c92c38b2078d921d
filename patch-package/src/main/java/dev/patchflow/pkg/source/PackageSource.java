package dev.patchflow.pkg.source;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;

/**
 * Opens a package as a stream. Implementations here: {@link HttpPackageSource} (http, https) and
 * {@link FilePackageSource} (file); the services add an S3 one ({@code s3://bucket/key}) as an
 * adapter. Combine them with {@link #firstOf}.
 */
public interface PackageSource {

    /** True if this source can open {@code uri} (usually decided by its scheme). */
    boolean supports(URI uri);

    /** Opens the bytes at {@code uri}; the caller closes the stream. */
    InputStream open(URI uri) throws IOException;

    /** A source that delegates to the first of {@code sources} that supports a URI. */
    static PackageSource firstOf(PackageSource... sources) {
        List<PackageSource> list = List.of(sources);
        return new PackageSource() {

            @Override
            public boolean supports(URI uri) {
                return list.stream().anyMatch(s -> s.supports(uri));
            }

            @Override
            public InputStream open(URI uri) throws IOException {
                for (PackageSource s : list) {
                    if (s.supports(uri)) {
                        return s.open(uri);
                    }
                }
                throw new IOException("no package source for " + uri);
            }
        };
    }
}
