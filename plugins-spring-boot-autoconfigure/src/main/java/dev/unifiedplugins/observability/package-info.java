/**
 * Micrometer observations of plugin operations and the SLF4J log context of calls into
 * plugin code: the starter's implementation of
 * {@link dev.unifiedplugins.observation.PluginCallObserver}.
 */
@NullMarked
package dev.unifiedplugins.observability;

import org.jspecify.annotations.NullMarked;
