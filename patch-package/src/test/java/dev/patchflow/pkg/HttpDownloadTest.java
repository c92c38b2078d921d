package dev.patchflow.pkg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

import dev.patchflow.pkg.PackageRefusedException.Reason;
import dev.patchflow.pkg.crypto.TrustedKeys;
import dev.patchflow.pkg.engine.ApplyRequest;
import dev.patchflow.pkg.engine.ApplyResult;
import dev.patchflow.pkg.engine.PackageEngine;
import dev.patchflow.pkg.manifest.ReleaseManifest;
import dev.patchflow.pkg.source.Downloader;
import dev.patchflow.pkg.source.HttpPackageSource;

/** The JDK-HttpClient source against a real local HTTP server, including one that lies. */
class HttpDownloadTest {

    @TempDir
    Path tmp;
    HttpServer server;
    byte[] payload;
    URI base;

    @BeforeEach
    void start() throws Exception {
        payload = Installs.patch110();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/pkg/", exchange -> {
            String name = exchange.getRequestURI().getPath().substring("/pkg/".length());
            byte[] body = switch (name) {
                case "patch-1.1.0.tar.gz" -> payload;
                case "endless.tar.gz" -> new byte[payload.length * 4];
                default -> null;
            };
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
        base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/pkg/");
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void appliesAPackageServedOverHttpAndReportsProgress() throws Exception {
        Path install = Installs.v100(tmp.resolve("app"));
        Fixture fixture = new Fixture(tmp.resolve("repo"));
        ReleaseManifest manifest = fixture.patchRelease("1.1.0", "1.0.0", payload, Installs.ops110());
        List<long[]> progress = new ArrayList<>();
        PackageEngine engine = PackageEngine.builder()
                .trustedKeys(TrustedKeys.of(fixture.key.getPublic()))
                .progress((done, total) -> progress.add(new long[]{done, total}))
                .build();

        ApplyResult result = engine.apply(ApplyRequest.of(install, tmp.resolve("work"), Arch.X86_64, manifest,
                base.resolve("manifest.json")));

        assertThat(result.status()).isEqualTo(ApplyResult.Status.APPLIED);
        assertThat(progress).isNotEmpty();
        assertThat(progress.get(progress.size() - 1)).containsExactly(payload.length, payload.length);
    }

    @Test
    void serverSendingMoreThanTheManifestSizeIsCutOff() {
        Path target = tmp.resolve("download.tar.gz");
        Downloader downloader = new Downloader(new HttpPackageSource(), 1 << 20);
        assertThatThrownBy(() -> downloader.download(base.resolve("endless.tar.gz"), payload.length, target,
                (d, t) -> {
                }))
                .isInstanceOfSatisfying(PackageRefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.SIZE_MISMATCH));
        assertThat(target).doesNotExist();
    }

    @Test
    void missingPackageIsADownloadFailure() {
        Downloader downloader = new Downloader(new HttpPackageSource(), 1 << 20);
        assertThatThrownBy(() -> downloader.download(base.resolve("nope.tar.gz"), 10, tmp.resolve("x"), (d, t) -> {
        }))
                .isInstanceOfSatisfying(PackageRefusedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.DOWNLOAD_FAILED);
                    assertThat(e.getMessage()).contains("404");
                });
    }
}
