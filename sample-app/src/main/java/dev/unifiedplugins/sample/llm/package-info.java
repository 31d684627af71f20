/**
 * The {@code llm} category: an external service and a GPU rented from a simulated cloud.
 */
@NullMarked
package dev.unifiedplugins.sample.llm;

import org.jspecify.annotations.NullMarked;
