/**
 * Which revision of each plugin's configuration every instance applied last: recorded by
 * a {@link dev.unifiedplugins.systems.PluginLifecycle} at each load, reload and unload,
 * kept in memory for one instance or shared through a database, and awaited after a save.
 */
@NullMarked
package dev.unifiedplugins.applied;

import org.jspecify.annotations.NullMarked;
