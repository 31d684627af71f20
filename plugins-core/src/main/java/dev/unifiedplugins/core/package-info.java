/**
 * The plugin model and the {@link dev.unifiedplugins.core.UnifiedPluginRegistry}.
 */
@NullMarked
package dev.unifiedplugins.core;

import org.jspecify.annotations.NullMarked;
