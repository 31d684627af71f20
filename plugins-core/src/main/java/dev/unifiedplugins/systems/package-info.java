/**
 * Ready-made plugin managers and the lifecycle of their plugins: plugins described by
 * {@link dev.unifiedplugins.systems.PluginInfo} without being instantiated, found through
 * {@link java.util.ServiceLoader} on the class path or in a directory of JARs, and loaded,
 * configured, reloaded and unloaded by a {@link dev.unifiedplugins.systems.PluginLifecycle}.
 */
@NullMarked
package dev.unifiedplugins.systems;

import org.jspecify.annotations.NullMarked;
