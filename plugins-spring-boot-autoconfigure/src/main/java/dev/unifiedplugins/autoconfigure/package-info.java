/**
 * Auto-configuration of the unified plugin registry: configuration classes, their
 * properties and conditions only. What they create lives in packages named after its job
 * ({@code registration}, {@code lifecycle}, {@code actuate}, {@code ui}, {@code aot}), and
 * takes plain values from them, never their properties.
 */
@NullMarked
package dev.unifiedplugins.autoconfigure;

import org.jspecify.annotations.NullMarked;
