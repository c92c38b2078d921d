package dev.patchflow.runner.adapters.pkg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;

import org.jboss.logging.Logger;

import dev.patchflow.pkg.PackageLimits;
import dev.patchflow.pkg.crypto.Ed25519Keys;
import dev.patchflow.pkg.crypto.TrustedKeySource;
import dev.patchflow.pkg.crypto.TrustedKeys;
import dev.patchflow.pkg.engine.ApplyHooks;
import dev.patchflow.pkg.engine.PackageEngine;
import dev.patchflow.pkg.source.HttpPackageSource;
import dev.patchflow.pkg.source.PackageSource;
import dev.patchflow.runner.adapters.sql.SqlSchemaPatchExecutor;
import dev.patchflow.runner.config.RunnerConfig.PackageExecutorConfig;

/** Builds the package executor from {@code patchflow.runner.package.*}. */
public final class PackageExecutorFactory {

    private static final Logger LOG = Logger.getLogger(PackageExecutorFactory.class);

    private PackageExecutorFactory() {
    }

    /**
     * @param s3 the S3 catalog source ({@code s3://<catalog-bucket>/…}); http(s) is added here, {@code file:}
     *        is deliberately not (a manifest must not make the runner read its own host's files)
     * @param defaultWorkDir used when {@code patchflow.runner.package.work-dir} is not set
     */
    public static PackagePatchExecutor create(PackageExecutorConfig config, PackageSource s3, Path defaultWorkDir) {
        return create(config, s3, defaultWorkDir, null);
    }

    /** @param schema runs the schema a release carries beside its files ({@code null}: packages without schemas) */
    public static PackagePatchExecutor create(PackageExecutorConfig config, PackageSource s3, Path defaultWorkDir,
            SqlSchemaPatchExecutor schema) {
        PackageSource source = PackageSource.firstOf(s3, new HttpPackageSource());
        TrustedKeys keys = trustedKeys(config);
        // The folder is read again for every package: a key added with 'patchctl package trust' counts at once.
        TrustedKeySource keySource = config.trustedKeysDir()
                .map(dir -> TrustedKeySource.directory(dir, inlineKeys(config)))
                .orElse(TrustedKeySource.of(keys));
        PackageLimits limits = new PackageLimits(config.maxPackageBytes(), config.maxEntries(),
                config.maxUncompressedBytes(), config.maxEntryBytes(), config.maxCompressionRatio());
        SchemaStepHooks hooks = new SchemaStepHooks(config.testOnlyPauseAt()
                .<ApplyHooks>map(spec -> TestOnlyPauseHooks.parse(spec, config.testOnlyPauseSignal().orElse(null)))
                .orElse(ApplyHooks.NONE));
        PackageEngine signedOnly = engine(source, keySource, limits, hooks, false);
        PackageEngine unsigned = config.allowUnsigned() ? engine(source, keySource, limits, hooks, true) : null;
        Path workDir = config.workDir().orElse(defaultWorkDir.resolve("package-work"));
        if (keys.ids().isEmpty()) {
            LOG.warn(config.trustedKeysDir().isPresent()
                    ? "package executor: no trusted keys yet in " + config.trustedKeysDir().get()
                            + ": signed packages are refused as UNKNOWN_KEY until a key is added there (patchctl "
                            + "package trust <pub.pem>; read again for every package)"
                    : "package executor: no trusted keys configured (patchflow.runner.package.trusted-keys-dir / "
                            + "trusted-keys): every signed package is refused as UNKNOWN_KEY");
        }
        LOG.infof("package executor: work dir %s, %d trusted key(s) %s%s, catalog via S3 and http(s)%s", workDir,
                keys.ids().size(), keys.ids(),
                config.trustedKeysDir().map(d -> " (folder " + d + ", read for every package)").orElse(""),
                config.allowUnsigned() ? ", unsigned packages allowed on request" : "");
        return new PackagePatchExecutor(source, signedOnly, unsigned, workDir, config.maxManifestBytes())
                .withSchemaStep(schema, hooks);
    }

    private static PackageEngine engine(PackageSource source, TrustedKeySource keys, PackageLimits limits,
            ApplyHooks hooks, boolean allowUnsigned) {
        return PackageEngine.builder()
                .source(source)
                .trustedKeys(keys)
                .limits(limits)
                .hooks(hooks)
                .allowUnsigned(allowUnsigned)
                .build();
    }

    /**
     * The keys of the directory and the inline ones together, as they are at start (logged; a key that does not
     * parse stops the start); the executor reads the directory again for every package.
     */
    static TrustedKeys trustedKeys(PackageExecutorConfig config) {
        List<PublicKey> keys = new ArrayList<>();
        config.trustedKeysDir().ifPresent(dir -> {
            try {
                TrustedKeys fromDir = TrustedKeys.fromDirectory(dir);
                fromDir.ids().forEach(id -> keys.add(fromDir.get(id).orElseThrow()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read patchflow.runner.package.trusted-keys-dir " + dir, e);
            }
        });
        TrustedKeys inline = inlineKeys(config);
        inline.ids().forEach(id -> keys.add(inline.get(id).orElseThrow()));
        return TrustedKeys.of(keys);
    }

    /** {@code patchflow.runner.package.trusted-keys}; a key that does not parse stops the start. */
    private static TrustedKeys inlineKeys(PackageExecutorConfig config) {
        List<PublicKey> keys = new ArrayList<>();
        List<String> inline = config.trustedKeys().orElse(List.of());
        for (int i = 0; i < inline.size(); i++) {
            try {
                keys.add(Ed25519Keys.publicKey(inline.get(i)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "patchflow.runner.package.trusted-keys[" + i + "] is not an Ed25519 public key: "
                                + e.getMessage(),
                        e);
            }
        }
        return TrustedKeys.of(keys);
    }
}
