package dev.unifiedplugins.config;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * One difference between two configurations of a plugin, as a dry run lists them: see
 * {@link ConfigChanges#between(java.util.Map, java.util.Map)}.
 *
 * @param path where, as a JSON Pointer ({@code /beam_size}, {@code /nested/threads}); never
 * into an array, which changes as a whole
 * @param from the value before, null when there was none
 * @param to the value after, null when there is none
 */
public record ConfigChange(String path, @Nullable Object from, @Nullable Object to) {

	public ConfigChange {
		Objects.requireNonNull(path, "path must not be null");
	}

}
