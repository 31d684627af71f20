/**
 * Actuator support for the unified plugin registry: the {@code plugins} endpoint, health
 * and metrics.
 */
@NullMarked
package dev.unifiedplugins.actuate;

import org.jspecify.annotations.NullMarked;
