package dev.unifiedplugins.config;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A change of a stored plugin configuration, delivered to the listeners of a
 * {@link dev.unifiedplugins.core.UnifiedPluginRegistry}.
 *
 * @param uniqueId the plugin's unique id
 * @param kind whether the configuration was saved or deleted
 * @param revision the new revision; null for a deletion
 * @param external whether the change was made outside the registry that reports it
 * (another instance, another process, a person editing a file)
 */
public record PluginConfigChange(String uniqueId, Kind kind, @Nullable String revision, boolean external) {

	public PluginConfigChange {
		Objects.requireNonNull(uniqueId, "uniqueId must not be null");
		Objects.requireNonNull(kind, "kind must not be null");
	}

	/** What happened to the configuration. */
	public enum Kind {

		/** It was created or replaced. */
		SAVED,

		/** It was deleted. */
		DELETED

	}

}
