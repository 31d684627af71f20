/**
 * Auto-configuration of the unified plugin registry.
 */
@NullMarked
package dev.unifiedplugins.autoconfigure;

import org.jspecify.annotations.NullMarked;
