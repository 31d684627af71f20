package dev.unifiedplugins.registration;

import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

/**
 * One plugin system as the application declares it ({@code plugins.systems.<category>.*}):
 * where its plugins come from, whether they are loaded at start, and whether their
 * directory is watched.
 *
 * @param type the interface the plugins implement, or null when the category only sets
 * {@code load-on-start} for a manager of its own
 * @param serviceLoader whether the plugins are the class path's service providers
 * @param directory the directory of plugin JARs, or null
 * @param loadOnStart whether the category's plugins are loaded once the application has
 * started
 * @param watch whether the category's directory of JARs is rescanned by itself when it
 * changes
 */
public record PluginSystemDeclaration(@Nullable Class<?> type, boolean serviceLoader, @Nullable Path directory,
		boolean loadOnStart, boolean watch) {

}
