package dev.unifiedplugins.config;

import java.util.Map;
import java.util.Objects;

import dev.unifiedplugins.json.Json;

/**
 * A stored configuration and its revision: an opaque string that changes whenever the
 * stored configuration does. Send the revision back with a save
 * ({@link ExpectedRevision#of(String)}) so that the save fails rather than overwrite a
 * change made in between.
 *
 * @param config the configuration, immutable
 * @param revision its revision
 */
public record StoredPluginConfig(Map<String, Object> config, String revision) {

	public StoredPluginConfig {
		config = Json.immutableCopy(Objects.requireNonNull(config, "config must not be null"));
		Objects.requireNonNull(revision, "revision must not be null");
	}

}
