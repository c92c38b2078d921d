package dev.patchflow.pkg.source;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code file:} URIs (relative package URLs resolve to them when the manifest is a local file). */
public final class FilePackageSource implements PackageSource {

    @Override
    public boolean supports(URI uri) {
        return "file".equalsIgnoreCase(uri.getScheme());
    }

    @Override
    public InputStream open(URI uri) throws IOException {
        return Files.newInputStream(Path.of(uri));
    }
}
