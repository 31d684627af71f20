package dev.unifiedplugins.core;

import java.util.Objects;

/**
 * A plugin as registered, with its unique id built once, at registration.
 *
 * @param uniqueId the plugin's unique id, {@code category_name}
 * @param metadata its metadata as registered, with its {@code configured} flag
 * @see UnifiedPluginRegistry#getRegistrations()
 */
public record RegisteredPlugin(String uniqueId, PluginMetadata metadata) {

	public RegisteredPlugin {
		Objects.requireNonNull(uniqueId, "uniqueId must not be null");
		Objects.requireNonNull(metadata, "metadata must not be null");
	}

}
