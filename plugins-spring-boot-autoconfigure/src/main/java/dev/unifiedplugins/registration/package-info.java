/**
 * Registration of plugin managers with the registry: the {@code PluginManager} beans, the
 * plugin systems declared under {@code plugins.systems}, and the manager whose plugins are
 * the beans of a type.
 */
@NullMarked
package dev.unifiedplugins.registration;

import org.jspecify.annotations.NullMarked;
