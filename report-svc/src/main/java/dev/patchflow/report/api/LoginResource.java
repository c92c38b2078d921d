package dev.patchflow.report.api;

import java.net.URI;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;

import dev.patchflow.kit.api.AuthErrors;

/**
 * The dashboard's login: the user pastes a token (e.g. {@code .patchflow/auth/viewer.token}); it is verified like any
 * request's, then kept in an HttpOnly, SameSite=Strict cookie that SmallRye JWT reads ({@code mp.jwt.token.cookie}).
 * The token is never rendered back into a page.
 */
@Path("/")
@PermitAll
public class LoginResource {

    private final JWTParser parser;
    private final Template login;
    private final String cookieName;

    public LoginResource(JWTParser parser, @Location("login.html") Template login,
            @ConfigProperty(name = "mp.jwt.token.cookie") String cookieName) {
        this.parser = parser;
        this.login = login;
        this.cookieName = cookieName;
    }

    @GET
    @Path("login")
    @Produces(MediaType.TEXT_HTML)
    public String form(@QueryParam("next") String next) {
        return login.data("next", safeNext(next)).data("error", null).render();
    }

    @POST
    @Path("login")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response login(@FormParam("token") String token, @FormParam("next") String next, UriInfo uri) {
        String target = safeNext(next);
        String trimmed = token == null ? "" : token.strip();
        if (trimmed.startsWith("Bearer ")) {
            trimmed = trimmed.substring("Bearer ".length()).strip();
        }
        try {
            parser.parse(trimmed);
        } catch (ParseException e) {
            // Say why in general terms only: the parser's message could quote claims of the token.
            return Response.status(401).type(MediaType.TEXT_HTML).entity(login.data("next", target)
                    .data("error", trimmed.isEmpty() ? "Paste a token." : AuthErrors.REFUSED).render()).build();
        }
        boolean secure = "https".equalsIgnoreCase(uri.getRequestUri().getScheme());
        NewCookie cookie = new NewCookie.Builder(cookieName).value(trimmed).path("/").httpOnly(true).secure(secure)
                .sameSite(NewCookie.SameSite.STRICT).build();
        return Response.seeOther(URI.create(target)).cookie(cookie).build();
    }

    @POST
    @Path("logout")
    public Response logout() {
        NewCookie expired = new NewCookie.Builder(cookieName).value("").path("/").maxAge(0).httpOnly(true)
                .sameSite(NewCookie.SameSite.STRICT).build();
        return Response.seeOther(URI.create("/login")).cookie(expired).build();
    }

    /** Only a local path: a login must not become an open redirect. */
    static String safeNext(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")
                || next.startsWith("/login") || next.startsWith("/logout")) {
            return "/";
        }
        return next;
    }
}
