package dev.patchflow.pkg;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.patchflow.pkg.manifest.Operations;

/** A small install at 1.0.0 and a patch to 1.1.0 that exercises every operation. */
public final class Installs {

    private Installs() {
    }

    public static Path v100(Path install) throws IOException {
        Files.createDirectories(install);
        Trees.write(install, "VERSION", "1.0.0\n");
        Trees.write(install, "bin/app", "#!/bin/sh\necho 1.0.0\n", 0755);
        Trees.write(install, "conf/app.conf", "timeout=10\n", 0640);
        Trees.write(install, "lib/a.jar", "a-1.0.0");
        Trees.write(install, "lib/b.jar", "b-1.0.0");
        Trees.write(install, "docs/readme.txt", "read me");
        Trees.write(install, "old/plugin/x.so", "x", 0755);
        Trees.write(install, "keep/untouched.txt", "same in both");
        Files.createSymbolicLink(install.resolve("current"), Path.of("bin/app"));
        return install;
    }

    /** Content of the 1.1.0 patch, as paths relative to the install. */
    public static byte[] patch110() {
        return new TarFixtures().file("bin/app", "#!/bin/sh\necho 1.1.0\n", 0755)
                .file("conf/app.conf", "timeout=30\n", 0600)
                .dir("lib")
                .file("lib/a.jar", "a-1.1.0")
                .file("lib/c.jar", "c-1.1.0")
                .file("new/sub/file.txt", "brand new")
                .build();
    }

    public static Operations ops110() {
        return new Operations(List.of("bin/app", "conf/app.conf", "new/sub/file.txt"), List.of("lib"),
                List.of("docs/readme.txt"), List.of("old"));
    }
}
