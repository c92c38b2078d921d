package dev.patchflow.sqlschema.parse;

import dev.patchflow.sqlschema.model.Schema;

/** A schema as written (not yet normalized against a server's defaults) and the renames it asks for. */
public record ParsedSchema(Schema schema, Renames renames) {
}
