package dev.patchflow.patchctl.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

import picocli.CommandLine.IVersionProvider;

/** The version Maven wrote into the jar, so that it never disagrees with the build. */
public class PatchctlVersion implements IVersionProvider {

    @Override
    public String[] getVersion() throws IOException {
        try (InputStream in = PatchctlVersion.class
                .getResourceAsStream("/META-INF/maven/dev.patchflow/patchctl/pom.properties")) {
            if (in == null) {
                return new String[]{"patchctl (version unknown: not run from the packaged jar)"};
            }
            Properties properties = new Properties();
            properties.load(in);
            return new String[]{"patchctl " + properties.getProperty("version")};
        }
    }
}
