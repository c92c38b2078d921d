package dev.patchflow.kit.api;

import java.lang.reflect.Method;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

import io.quarkus.security.AuthenticationCompletionException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Every service's 401 and 403 answers, in one place. Every 401 and 403 of a service's endpoints answers {@code {"error": "...", "status": 401|403}}
 * (docs/SECURITY.md), whether the HTTP layer refused the request (a bad or expired token, a path permission) or a
 * {@code @RolesAllowed} check did. (The one exception: an anonymous request to a path outside the endpoints, refused by
 * the deny-by-default path permission, gets Quarkus's bare 401 challenge.) The message names what is wrong and never echoes the token. A browser asking for HTML is sent to the
 * login page instead, when this service has one ({@code patchflow.auth.login-page}).
 */
@ApplicationScoped
public class AuthErrors {

    public static final String UNAUTHENTICATED = "authentication required: send a bearer token (Authorization: Bearer <jwt>)";
    public static final String REFUSED = "the bearer token was refused: it is expired, malformed or not signed by a trusted key";

    private final Optional<String> loginPage;
    private final String cookieName;

    public AuthErrors(@ConfigProperty(name = "patchflow.auth.login-page") Optional<String> loginPage,
            @ConfigProperty(name = "mp.jwt.token.cookie", defaultValue = "Bearer") String cookieName) {
        this.loginPage = loginPage;
        this.cookieName = cookieName;
    }

    /** The HTTP layer: authentication (proactive) and path permissions fail the routing context. */
    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).failureHandler(this::onFailure);
    }

    private void onFailure(RoutingContext context) {
        Throwable failure = context.failure();
        int status;
        String message;
        if (failure instanceof AuthenticationFailedException || failure instanceof AuthenticationCompletionException) {
            status = 401;
            message = REFUSED;
        } else if (failure instanceof UnauthorizedException || (failure == null && context.statusCode() == 401)) {
            status = 401;
            message = UNAUTHENTICATED;
        } else if (failure instanceof ForbiddenException || (failure == null && context.statusCode() == 403)) {
            status = 403;
            message = "forbidden: this token's roles do not allow " + context.request().method() + " "
                    + context.normalizedPath();
        } else {
            context.next();
            return;
        }
        if (context.response().ended()) {
            return;
        }
        if (status == 401 && wantsHtml(context.request().getHeader(HttpHeaders.ACCEPT)) && loginPage.isPresent()) {
            // A stale cookie would fail the login page too: drop it on the way there.
            context.response().setStatusCode(302)
                    .putHeader("Location", loginPage.get() + "?next="
                            + URLEncoder.encode(context.request().uri(), StandardCharsets.UTF_8))
                    .putHeader("Set-Cookie", cookieName + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict")
                    .end();
            return;
        }
        context.response().setStatusCode(status).putHeader("Content-Type", MediaType.APPLICATION_JSON);
        if (status == 401) {
            context.response().putHeader("WWW-Authenticate", "Bearer");
        }
        context.response().end(body(status, message));
    }

    /**
     * A {@code @RolesAllowed} check refused an anonymous caller. The JAX-RS paths are left to these checks (path
     * permission {@code permit}) precisely so that this answer, with its body, is the one the caller gets.
     */
    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class,
            AuthenticationCompletionException.class})
    public Response unauthorized(RuntimeException e, HttpHeaders headers, UriInfo uri) {
        String message = e instanceof UnauthorizedException ? UNAUTHENTICATED : REFUSED;
        if (wantsHtml(headers.getHeaderString(HttpHeaders.ACCEPT)) && loginPage.isPresent()) {
            String next = uri.getRequestUri().getRawPath()
                    + (uri.getRequestUri().getRawQuery() == null ? "" : "?" + uri.getRequestUri().getRawQuery());
            return Response.status(302)
                    .header("Location", loginPage.get() + "?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8))
                    .header("Set-Cookie", cookieName + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict").build();
        }
        return Response.status(401).type(MediaType.APPLICATION_JSON).header("WWW-Authenticate", "Bearer")
                .entity(body(401, message)).build();
    }

    /** A {@code @RolesAllowed} check refused an authenticated caller: say which roles would do. */
    @ServerExceptionMapper(ForbiddenException.class)
    public Response forbidden(ForbiddenException e, SimpleResourceInfo resource) {
        RolesAllowed roles = null;
        if (resource != null) {
            Method method = findMethod(resource);
            roles = method != null && method.isAnnotationPresent(RolesAllowed.class)
                    ? method.getAnnotation(RolesAllowed.class)
                    : resource.getResourceClass().getAnnotation(RolesAllowed.class);
        }
        String message = roles == null
                ? "forbidden: this token's roles do not allow this request"
                : "forbidden: role " + String.join(" or ", Arrays.asList(roles.value())) + " required";
        return Response.status(403).type(MediaType.APPLICATION_JSON).entity(body(403, message)).build();
    }

    private static Method findMethod(SimpleResourceInfo resource) {
        try {
            return resource.getResourceClass().getMethod(resource.getMethodName(), resource.parameterTypes());
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    public static String body(int status, String message) {
        return new JsonObject().put("error", message).put("status", status).encode();
    }

    private static boolean wantsHtml(String accept) {
        return accept != null && accept.contains(MediaType.TEXT_HTML);
    }
}
