package dev.unifiedplugins.systems;

import java.util.function.Function;

import dev.unifiedplugins.config.StoredPluginConfig;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import org.jspecify.annotations.Nullable;

/**
 * What one load of a plugin reads: its stored configuration, checked against the schema
 * as a save checks it (unless validation is off), over the schema's defaults, bound to
 * the config class, as {@link UnifiedPluginRegistry#loadPluginConfig(String, Class)}
 * binds it, and the revision read with it in the same read, which the lifecycle records as
 * applied (or failed). Used once, by one load, under the plugin's load lock.
 */
final class RevisionedConfigs implements Function<Class<?>, Object> {

	private final UnifiedPluginRegistry registry;

	private final String uniqueId;

	private @Nullable String revision;

	/**
	 * @param revision the revision known before the read: kept when the plugin takes no
	 * configuration, or its configuration cannot be read
	 */
	RevisionedConfigs(UnifiedPluginRegistry registry, String uniqueId, @Nullable String revision) {
		this.registry = registry;
		this.uniqueId = uniqueId;
		this.revision = revision;
	}

	@Override
	public Object apply(Class<?> configClass) {
		StoredPluginConfig stored = this.registry.loadStoredPluginConfig(this.uniqueId).orElse(null);
		this.revision = (stored != null) ? stored.revision() : null;
		return this.registry.bindPluginConfig(this.uniqueId, stored, configClass);
	}

	/** {@return the revision the load read, or the one known before it when it read none} */
	@Nullable String revision() {
		return this.revision;
	}

}
