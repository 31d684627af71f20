/**
 * The {@code llm} category, a ready-made plugin system of beans: an external service and a
 * GPU rented from a simulated cloud.
 */
@NullMarked
package dev.unifiedplugins.sample.llm;

import org.jspecify.annotations.NullMarked;
