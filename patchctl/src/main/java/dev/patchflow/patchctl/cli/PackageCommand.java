package dev.patchflow.patchctl.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import dev.patchflow.patchctl.pkg.CatalogPublisher;
import dev.patchflow.patchctl.pkg.S3Location;
import dev.patchflow.patchctl.pkg.S3Settings;
import dev.patchflow.patchctl.request.UsageException;
import dev.patchflow.pkg.Arch;
import dev.patchflow.pkg.PackageLimits;
import dev.patchflow.pkg.PackageRefusedException;
import dev.patchflow.pkg.PackageRefusedException.Reason;
import dev.patchflow.pkg.SemVer;
import dev.patchflow.pkg.create.CreateRequest;
import dev.patchflow.pkg.create.CreateResult;
import dev.patchflow.pkg.create.PackageCreator;
import dev.patchflow.pkg.crypto.Ed25519Keys;
import dev.patchflow.pkg.crypto.PackageVerifier;
import dev.patchflow.pkg.crypto.TrustedKeys;
import dev.patchflow.pkg.engine.PackageChecks;
import dev.patchflow.pkg.manifest.ManifestCodec;
import dev.patchflow.pkg.manifest.Operations;
import dev.patchflow.pkg.manifest.PackageArtifact;
import dev.patchflow.pkg.manifest.ReleaseManifest;

import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code patchctl package keygen | create | publish | verify | trust}: the release side of the
 * {@code package} executor. The work is done by the {@code patch-package} library (keys, tree diff,
 * tar.gz, Ed25519, manifest) and {@link CatalogPublisher} (S3); these classes map flags and errors.
 */
@Command(name = "package", mixinStandardHelpOptions = true, description = {
        "Signed patch packages: make a signing key, trust it on the runner's side, build a package and its "
                + "release manifest, verify it as the runner would, publish them to S3.",
        "Then: patchctl request --package-manifest <s3 uri printed by publish> ..."}, subcommands = {
                PackageCommand.Keygen.class, PackageCommand.Create.class, PackageCommand.Publish.class,
                PackageCommand.Verify.class, PackageCommand.Trust.class})
public class PackageCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    /** {@code --arch}: the manifest names and the usual aliases (amd64, arm64). */
    static final class ArchConverter implements ITypeConverter<Arch> {

        @Override
        public Arch convert(String value) {
            try {
                return Arch.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    @Command(name = "keygen", mixinStandardHelpOptions = true, description = {
            "Write a new Ed25519 signing key: <name>.key.pem (PKCS#8, mode 0600, keep it secret) and "
                    + "<name>.pub.pem (give it to the runners' trusted keys).",
            "Prints both files and, last, the key id."}, footer = {"",
                    "Exit codes: 0 written, 2 usage (e.g. a key of that name exists already)."})
    public static class Keygen implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--out", required = true, paramLabel = "<dir>", description = "Folder for the two files (created if missing).")
        Path out;

        @Option(names = "--name", paramLabel = "<name>", defaultValue = "patchflow", description = "File name stem (default: ${DEFAULT-VALUE}).")
        String name;

        @Override
        public Integer call() {
            if (name.isBlank() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
                throw new UsageException("--name must be a plain file name stem, got '" + name + "'");
            }
            Ed25519Keys.GeneratedKey key;
            try {
                key = Ed25519Keys.writeKeyPair(out, name);
            } catch (IOException e) {
                throw new UsageException("--out " + out + ": " + e.getMessage(), e);
            }
            PrintWriter o = spec.commandLine().getOut();
            o.println("private key " + key.privateKeyPem().toAbsolutePath());
            o.println("public key  " + key.publicKeyPem().toAbsolutePath());
            o.println(key.keyId());
            o.flush();
            return ExitCodes.OK;
        }
    }

    // No mixinStandardHelpOptions here: its -V/--version would take the release's --version.
    @Command(name = "create", sortOptions = false, description = {
            "Diff two trees into a patch package (tar.gz of the new content + operations), sign it, and write "
                    + "or update the release manifest (another arch's packages in it are kept).",
            "Prints the package(s) made and, last, the manifest's path."}, footer = {"",
                    "Exit codes: 0 written, 2 usage (missing tree or key, bad version, trees that do not differ)."})
    public static class Create implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
        boolean help;

        @Option(names = "--from", required = true, paramLabel = "<dir>", description = "The installed tree the patch applies to; its VERSION file is the patch's fromRange.")
        Path from;

        @Option(names = "--to", required = true, paramLabel = "<dir>", description = "The release tree (its VERSION, if any, must equal --version).")
        Path to;

        @Option(names = "--version", required = true, paramLabel = "<semver>", description = "The release version.")
        String version;

        @Option(names = "--arch", required = true, paramLabel = "x86_64|aarch64", converter = ArchConverter.class, description = "Architecture the packages are for.")
        Arch arch;

        @Option(names = "--key", required = true, paramLabel = "<private.pem>", description = "Ed25519 private key (from 'package keygen' or openssl genpkey -algorithm ed25519).")
        Path key;

        @Option(names = "--out", required = true, paramLabel = "<dir>", description = "Where the tar.gz files go.")
        Path out;

        @Option(names = "--manifest", paramLabel = "<file>", description = "Manifest to write or update (default: <out>/manifest.json).")
        Path manifest;

        @Option(names = "--full", description = "Also build the full package of --to (for installs outside the patch's range).")
        boolean full;

        @Option(names = "--base-url", paramLabel = "<url>", description = "Prefix of the package URLs in the manifest (default: bare file names, resolved against the manifest's location).")
        String baseUrl;

        @Option(names = "--notes", paramLabel = "<text>", description = "Release notes (default: keep the existing manifest's).")
        String notes;

        @Override
        public Integer call() {
            requireDirectory(from, "--from");
            requireDirectory(to, "--to");
            requireFile(key, "--key");
            try {
                SemVer.parse(version);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--version: " + e.getMessage(), e);
            }
            PrivateKey signingKey;
            try {
                signingKey = Ed25519Keys.readPrivateKey(key);
            } catch (IOException | IllegalArgumentException e) {
                throw new UsageException("--key " + key + ": " + e.getMessage(), e);
            }
            Path manifestFile = manifest != null ? manifest : out.resolve("manifest.json");
            CreateResult result;
            try {
                result = PackageCreator.create(new CreateRequest(from, to, version, arch, signingKey, out,
                        manifestFile, full, baseUrl, notes, null));
            } catch (IllegalArgumentException e) {
                // The library's messages name the flag at fault (--from, --to, --version).
                throw new UsageException(e.getMessage(), e);
            } catch (PackageRefusedException e) {
                throw new UsageException("--manifest " + manifestFile + " exists but is not a valid release manifest: "
                        + e.getMessage(), e);
            } catch (IOException e) {
                throw new UsageException("cannot create the package: " + e.getMessage(), e);
            }
            PrintWriter o = spec.commandLine().getOut();
            Operations ops = result.patch().operations();
            o.printf("patch %s -> %s (%s): %d operations (%d files replaced, %d directories replaced, "
                    + "%d files deleted, %d directories deleted)%n", result.patch().fromRange().min(),
                    result.manifest().version(), arch.jsonName(), ops.count(), ops.replaceFiles().size(),
                    ops.replaceDirectories().size(), ops.deleteFiles().size(), ops.deleteDirectories().size());
            print(o, result.patchFile(), result.patch());
            if (result.fullFile() != null) {
                o.printf("full %s (%s)%n", result.manifest().version(), arch.jsonName());
                print(o, result.fullFile(), result.full());
            }
            o.println("signed by " + result.patch().keyId());
            o.println(manifestFile.toAbsolutePath());
            o.flush();
            return ExitCodes.OK;
        }

        private static void print(PrintWriter o, Path file, PackageArtifact artifact) {
            o.printf("  file    %s%n  size    %d bytes%n  sha256  %s%n  url     %s%n", file.toAbsolutePath(),
                    artifact.size(), artifact.sha256(), artifact.url());
        }
    }

    @Command(name = "publish", sortOptions = false, mixinStandardHelpOptions = true, description = {
            "Upload a release manifest and every package it references to s3://<bucket>/<prefix>/ (the bucket is "
                    + "created if missing); the uploaded manifest's package URLs point at those objects.",
            "Packages are checked against the manifest (size, SHA-256) first and uploaded before the manifest.",
            "Prints the uploaded packages and, last, the manifest's s3:// URI for 'request --package-manifest'.",
            "The runner reads only its catalog bucket (default patchflow-catalog): publish there."}, footer = {
                    "", "Exit codes: 0 published, 1 S3 not reachable or refused the upload, 2 usage (missing file), "
                            + "7 a package does not match the manifest."})
    public static class Publish implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--manifest", required = true, paramLabel = "<file>", description = "The manifest 'package create' wrote; packages are looked up beside it by file name.")
        Path manifest;

        @Option(names = "--catalog", required = true, paramLabel = "s3://<bucket>/<prefix>", description = "Where to publish.")
        String catalog;

        @Option(names = "--s3-endpoint", paramLabel = "<url>", defaultValue = "${sys:patchflow.s3.endpoint:-${env:PATCHFLOW_S3_ENDPOINT:-http://127.0.0.1:19000}}", description = "S3 / MinIO endpoint (default: -Dpatchflow.s3.endpoint, else env PATCHFLOW_S3_ENDPOINT, else the local stack's http://127.0.0.1:19000; now: ${DEFAULT-VALUE}).")
        String endpoint;

        @Option(names = "--s3-access-key", paramLabel = "<key>", defaultValue = "${sys:patchflow.s3.access-key:-${env:PATCHFLOW_S3_ACCESS_KEY:-patchflow}}", description = "Access key (default: -Dpatchflow.s3.access-key, else env PATCHFLOW_S3_ACCESS_KEY, else the local stack's).")
        String accessKey;

        @Option(names = "--s3-secret-key", paramLabel = "<secret>", defaultValue = "${sys:patchflow.s3.secret-key:-${env:PATCHFLOW_S3_SECRET_KEY:-patchflow-secret}}", description = "Secret key (default: -Dpatchflow.s3.secret-key, else env PATCHFLOW_S3_SECRET_KEY, else the local stack's).", showDefaultValue = picocli.CommandLine.Help.Visibility.NEVER)
        String secretKey;

        @Option(names = "--s3-region", paramLabel = "<region>", defaultValue = "${sys:patchflow.s3.region:-${env:PATCHFLOW_S3_REGION:-us-east-1}}", description = "Region (default: ${DEFAULT-VALUE}).")
        String region;

        @Option(names = "--s3-timeout", paramLabel = "<duration>", defaultValue = "10s", converter = DurationConverter.class, description = "Connect/read/write timeout per S3 request (default: ${DEFAULT-VALUE}).")
        Duration timeout;

        @Option(names = "--verbose", description = "Log each upload on stderr.")
        boolean verbose;

        @Override
        public Integer call() {
            Verbosity.apply(verbose);
            S3Location location = S3Location.parse(catalog, "--catalog");
            requireFile(manifest, "--manifest");
            CatalogPublisher.Published published = new CatalogPublisher(
                    new S3Settings(endpoint, accessKey, secretKey, region, timeout)).publish(manifest, location);
            PrintWriter o = spec.commandLine().getOut();
            for (CatalogPublisher.Uploaded u : published.packages()) {
                o.printf("uploaded %s (%d bytes)%n", u.uri(), u.size());
            }
            o.println(published.manifestUri());
            o.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "verify", sortOptions = false, mixinStandardHelpOptions = true, description = {
            "Check a package file against its manifest entry (exact size, SHA-256, Ed25519 signature of the entry by "
                    + "one of the trusted keys) - the checks the runner makes before it downloads the rest.",
            "With --deep, also every structural check the runner makes before it touches an install: the archive "
                    + "entry by entry against the operations and the limits, links resolved against the install "
                    + "(--install) as it would be after the apply, and a safe extraction into a scratch folder; "
                    + "every refusal is printed, not just the first.",
            "Prints 'OK <sha256> signed by <key id>' (and with --deep 'OK structure: ...'), or one "
                    + "'REFUSED <REASON>: <why>' line per refusal."}, footer = {"",
                            "Exit codes: 0 OK, 2 usage (missing file, no keys), 7 refused (the reasons are printed: "
                                    + "SIZE_MISMATCH, HASH_MISMATCH, UNKNOWN_KEY, BAD_SIGNATURE, UNSIGNED, "
                                    + "OUTDATED_MANIFEST, NO_PACKAGE_FOR_ARCH, and with --deep UNSAFE_PATH, "
                                    + "UNSAFE_ENTRY, STRUCTURE_MISMATCH, ARCHIVE_TOO_LARGE, CORRUPT_ARCHIVE)."})
    public static class Verify implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--manifest", required = true, paramLabel = "<file>", description = "The release manifest.")
        Path manifest;

        @Option(names = "--package", required = true, paramLabel = "<file>", description = "The package file; its manifest entry is the one whose URL ends with its file name.")
        Path packageFile;

        @Option(names = "--keys", required = true, paramLabel = "<dir>", description = "Trusted public keys: every *.pub.pem in the folder.")
        Path keys;

        @Option(names = "--arch", paramLabel = "x86_64|aarch64", converter = ArchConverter.class, description = "Only look at this architecture's entries (default: both).")
        Arch arch;

        @Option(names = "--allow-unsigned", description = "Accept a package the manifest lists without a signature (local demos only).")
        boolean allowUnsigned;

        @Option(names = "--deep", description = "Also run the runner's structural checks (archive, operations, limits, links, extraction into a scratch folder) and print every refusal.")
        boolean deep;

        @Option(names = "--install", paramLabel = "<dir>", description = "With --deep: judge the operations and the links against this install as it would be after the apply (default: the package alone).")
        Path install;

        @Override
        public Integer call() throws IOException {
            requireFile(manifest, "--manifest");
            requireFile(packageFile, "--package");
            requireDirectory(keys, "--keys");
            if (install != null && !deep) {
                throw new UsageException("--install is only used with --deep");
            }
            if (install != null) {
                requireDirectory(install, "--install");
            }
            ReleaseManifest release;
            try {
                release = ManifestCodec.read(manifest);
            } catch (IOException e) {
                throw new UsageException("--manifest: cannot read " + manifest + ": " + e.getMessage(), e);
            }
            TrustedKeys trusted;
            try {
                trusted = TrustedKeys.fromDirectory(keys);
            } catch (IOException | IllegalArgumentException e) {
                throw new UsageException("--keys " + keys + ": " + e.getMessage(), e);
            }
            if (trusted.ids().isEmpty() && !allowUnsigned) {
                throw new UsageException("--keys " + keys + " holds no *.pub.pem file");
            }
            String name = packageFile.getFileName().toString();
            List<Arch> arches = arch == null ? List.of(Arch.values()) : List.of(arch);
            Arch entryArch = arches.stream()
                    .filter(a -> release.artifactNamed(a, name).isPresent())
                    .findFirst()
                    .orElseThrow(() -> new PackageRefusedException(Reason.NO_PACKAGE_FOR_ARCH,
                            "the manifest " + manifest + " lists no package named " + name
                                    + (arch == null ? "" : " for " + arch.jsonName())));
            PackageArtifact artifact = release.artifactNamed(entryArch, name).orElseThrow();
            PackageVerifier verifier = new PackageVerifier(trusted, allowUnsigned);
            PrintWriter o = spec.commandLine().getOut();
            if (!deep) {
                PackageVerifier.Verified verified;
                try {
                    verified = verifier.verify(packageFile, release, entryArch, artifact);
                } catch (IOException e) {
                    throw new UsageException("--package: cannot read " + packageFile + ": " + e.getMessage(), e);
                }
                o.println("OK " + verified.sha256()
                        + (verified.keyId() == null ? " unsigned" : " signed by " + verified.keyId()));
                o.flush();
                return ExitCodes.OK;
            }
            return deepCheck(o, verifier, release, entryArch, artifact);
        }

        /** Signature, hash and every structural check, each refusal printed; exit 7 if there is any. */
        private int deepCheck(PrintWriter o, PackageVerifier verifier, ReleaseManifest release, Arch entryArch,
                PackageArtifact artifact) throws IOException {
            List<PackageRefusedException> refusals = new java.util.ArrayList<>();
            String keyId = null;
            String sha256 = null;
            try {
                keyId = verifier.verifySignature(release, entryArch, artifact);
            } catch (PackageRefusedException e) {
                refusals.add(e);
            }
            try {
                sha256 = PackageVerifier.verifyContent(packageFile, artifact);
            } catch (PackageRefusedException e) {
                refusals.add(e);
            }
            if (refusals.isEmpty()) {
                o.println("OK " + sha256 + (keyId == null ? " unsigned" : " signed by " + keyId));
            }
            Path scratch = Files.createTempDirectory("patchctl-verify-");
            PackageChecks.Report report;
            try {
                report = new PackageChecks(PackageLimits.defaults()).check(packageFile, artifact, install, scratch);
            } finally {
                dev.patchflow.pkg.internal.Fs.deleteRecursively(scratch);
            }
            refusals.addAll(report.refusals());
            for (PackageRefusedException r : refusals) {
                o.println("REFUSED " + r.getMessage());
            }
            for (String note : report.notes()) {
                o.println("note: " + note);
            }
            if (refusals.isEmpty()) {
                int entries = report.index().size();
                o.printf("OK structure: %d %s, %d bytes; %s; links stay inside %s; safe extraction into a "
                        + "scratch folder%n", entries, entries == 1 ? "entry" : "entries",
                        report.index().contentBytes(),
                        artifact instanceof dev.patchflow.pkg.manifest.PatchPackage
                                ? "every entry named by the operations and every operation's content present"
                                : "full package",
                        install == null ? "the package" : "the install " + install.toAbsolutePath());
            }
            o.flush();
            if (!refusals.isEmpty()) {
                throw new PackageRefusedException(refusals.get(0).reason(), "the runner would refuse this package: "
                        + refusals.size() + " refusal(s), each printed as a REFUSED line");
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "trust", sortOptions = false, mixinStandardHelpOptions = true, description = {
            "Add a public key to the folder of keys a runner trusts: it is written as <key id>.pub.pem, and the "
                    + "runner reads the folder again for every package (no restart).",
            "The local run's runner reads .patchflow/trusted-keys (what './patchflow up' prints); a deployed runner "
                    + "reads patchflow.runner.package.trusted-keys-dir.",
            "Prints the key id and, last, the file written."}, footer = {"",
                    "Exit codes: 0 trusted (or already trusted), 2 usage (missing file, not an Ed25519 public key, "
                            + "a private key)."})
    public static class Trust implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @picocli.CommandLine.Parameters(index = "0", paramLabel = "<pub.pem>", description = "The public key ('package keygen' writes <name>.pub.pem; PEM, base64 DER or raw).")
        Path publicKey;

        @Option(names = "--dir", paramLabel = "<dir>", defaultValue = "${env:PATCHFLOW_TRUSTED_KEYS:-.patchflow/trusted-keys}", description = "The trusted-keys folder (default: env PATCHFLOW_TRUSTED_KEYS, else the local run's .patchflow/trusted-keys; now: ${DEFAULT-VALUE}).")
        Path dir;

        @Override
        public Integer call() {
            requireFile(publicKey, "<pub.pem>");
            String text;
            try {
                text = Files.readString(publicKey, java.nio.charset.StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new UsageException("cannot read " + publicKey + ": " + e.getMessage(), e);
            }
            if (text.contains("PRIVATE KEY")) {
                throw new UsageException(publicKey + " is a private key: give the public one (<name>.pub.pem); a "
                        + "private key never goes to a runner");
            }
            java.security.PublicKey key;
            try {
                key = Ed25519Keys.publicKey(text);
            } catch (IllegalArgumentException e) {
                throw new UsageException(publicKey + " is not an Ed25519 public key: " + e.getMessage(), e);
            }
            String keyId = Ed25519Keys.keyId(key);
            Path target = dir.resolve(keyId + ".pub.pem");
            PrintWriter o = spec.commandLine().getOut();
            try {
                Files.createDirectories(dir);
                if (Files.isRegularFile(target) && Ed25519Keys.readPublicKey(target).equals(key)) {
                    o.println("already trusted " + keyId);
                } else {
                    // Written beside its final name and renamed: a runner reading the folder never sees half a key.
                    Path tmp = dir.resolve("." + keyId + ".pub.pem.tmp");
                    Files.writeString(tmp, Ed25519Keys.toPem(key), java.nio.charset.StandardCharsets.US_ASCII);
                    Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    o.println("trusted " + keyId);
                }
            } catch (IOException | IllegalArgumentException e) {
                throw new UsageException("--dir " + dir + ": " + e.getMessage(), e);
            }
            o.println(target.toAbsolutePath());
            o.flush();
            return ExitCodes.OK;
        }
    }

    static void requireFile(Path file, String flag) {
        if (!Files.isRegularFile(file)) {
            throw new UsageException(flag + ": no such file: " + file);
        }
    }

    static void requireDirectory(Path dir, String flag) {
        if (!Files.isDirectory(dir)) {
            throw new UsageException(flag + ": no such directory: " + dir);
        }
    }
}
