package dev.patchflow.sqlschema.live;

import dev.patchflow.sqlschema.model.Schema;
import dev.patchflow.sqlschema.model.ServerDefaults;

/** A schema as read from a server (normalized), the defaults it was normalized with, and the server's version. */
public record LiveSchema(String name, Schema schema, ServerDefaults defaults, String serverVersion) {
}
