/**
 * The hook through which the library reports each operation on a plugin, and each call
 * into plugin code, to the application's observability (the starter implements it with
 * Micrometer observations and the SLF4J MDC). Without one, nothing is reported.
 */
@NullMarked
package dev.unifiedplugins.observation;

import org.jspecify.annotations.NullMarked;
