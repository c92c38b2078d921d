package dev.patchflow.pkg.engine;

import java.nio.file.Path;

/**
 * One change the apply will make, before it is journaled.
 *
 * @param path relative to the install ("" for CREATE_INSTALL)
 * @param source the staged content (null for DELETE and CREATE_INSTALL)
 */
record Step(StepKind kind, String path, Path source) {
}
