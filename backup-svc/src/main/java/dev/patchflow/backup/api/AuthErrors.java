package dev.patchflow.backup.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.security.AuthenticationCompletionException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * This service has no REST endpoint of its own: everything but health and metrics needs a token (docs/SECURITY.md).
 * A refused token or role answers {@code {"error": "...", "status": 401|403}}; the message never echoes the token.
 * (An anonymous request gets Quarkus's bare 401 challenge: there is no endpoint to describe.)
 */
@ApplicationScoped
public class AuthErrors {

    static final String REFUSED = "the bearer token was refused: it is expired, malformed or not signed by a trusted key";

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
        } else if (failure instanceof UnauthorizedException) {
            status = 401;
            message = "authentication required: send a bearer token (Authorization: Bearer <jwt>)";
        } else if (failure instanceof ForbiddenException) {
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
        context.response().setStatusCode(status).putHeader("Content-Type", "application/json");
        if (status == 401) {
            context.response().putHeader("WWW-Authenticate", "Bearer");
        }
        context.response().end(new JsonObject().put("error", message).put("status", status).encode());
    }
}
