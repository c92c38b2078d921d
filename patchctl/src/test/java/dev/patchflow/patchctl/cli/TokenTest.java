package dev.patchflow.patchctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.patchflow.patchctl.testing.FakeReportApi;

/** {@code --token} / {@code --token-file} against a report API that requires one. */
class TokenTest {

    static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJlLW9mLXRoZS10ZXN0";

    @TempDir
    Path dir;
    FakeReportApi api;

    @BeforeEach
    void start() throws IOException {
        api = new FakeReportApi().runList("[]").requireToken(TOKEN);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void sendsTheTokenAsABearerHeader() {
        CliRun run = CliRun.of("runs", "list", "--report-url", api.url(), "--token", TOKEN);

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
    }

    @Test
    void readsTheTokenFromAFile() throws IOException {
        Path file = Files.writeString(dir.resolve("viewer.token"), TOKEN + "\n");

        CliRun run = CliRun.of("runs", "list", "--report-url", api.url(), "--token-file", file.toString());

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
    }

    @Test
    void withoutATokenTheRefusalSaysHowToSendOne() {
        CliRun run = CliRun.of("runs", "list", "--report-url", api.url());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(run.err()).contains("report-svc refused the request without a token (use --token, --token-file "
                + "or PATCHFLOW_TOKEN): 401 unauthorized");
    }

    @Test
    void aRefusedTokenIsAClearErrorThatNeverShowsTheToken() {
        String wrong = TOKEN.replace("dGVzdA", "b3RoZXI") + "x";
        CliRun run = CliRun.of("runs", "list", "--report-url", api.url(), "--token", wrong, "--verbose");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(run.err()).contains("report-svc refused the token: 403 forbidden (forbidden: role viewer required)");
        assertThat(run.err() + run.out()).doesNotContain(wrong).doesNotContain(wrong.substring(wrong.lastIndexOf('.')));
    }
}
