package dev.unifiedplugins.core;

import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

import dev.unifiedplugins.config.ConfigRevision;
import dev.unifiedplugins.config.ExpectedRevision;
import dev.unifiedplugins.config.PluginConfigRevisionNotFoundException;
import dev.unifiedplugins.config.PluginConfigSchema;
import dev.unifiedplugins.config.PluginConfigStore;
import dev.unifiedplugins.config.PluginIds;
import dev.unifiedplugins.config.StoredPluginConfig;
import dev.unifiedplugins.json.Json;
import org.jspecify.annotations.Nullable;

/**
 * The registry's reads and writes of configurations: ids checked before they reach the
 * store, saves validated, every write recorded in the revisions (which keep the
 * {@code configured} flags and tell the listeners) and every failed write logged.
 */
final class PluginConfigs {

	private static final System.Logger logger = System.getLogger(UnifiedPluginRegistry.class.getName());

	private final PluginConfigStore store;

	private final StoredRevisions revisions;

	PluginConfigs(PluginConfigStore store, StoredRevisions revisions) {
		this.store = store;
		this.revisions = revisions;
	}

	Map<String, Object> load(String uniqueId) {
		PluginIds.requireValid(uniqueId, "unique id");
		return this.store.load(uniqueId).map(Json::immutableCopy).orElse(Map.of());
	}

	Map<String, Object> loadWithDefaults(String uniqueId, @Nullable PluginConfigSchema schema) {
		Map<String, Object> saved = load(uniqueId);
		return (schema != null) ? schema.withDefaults(saved) : saved;
	}

	Optional<StoredPluginConfig> loadStored(String uniqueId) {
		PluginIds.requireValid(uniqueId, "unique id");
		return this.store.loadStored(uniqueId);
	}

	/** Saves after validating against the schema, when one is given. */
	String save(String uniqueId, Map<String, Object> config, ExpectedRevision expected,
			@Nullable PluginConfigSchema schema) {
		PluginIds.requireValid(uniqueId, "unique id");
		Objects.requireNonNull(config, () -> "config of plugin '" + uniqueId + "' must not be null");
		Objects.requireNonNull(expected, "expected must not be null");
		if (schema != null) {
			schema.validate(uniqueId, config);
		}
		return Objects.requireNonNull(write(uniqueId, "save", () -> this.store.save(uniqueId, config, expected)));
	}

	boolean delete(String uniqueId) {
		PluginIds.requireValid(uniqueId, "unique id");
		try {
			write(uniqueId, "delete", () -> {
				this.store.delete(uniqueId);
				return null;
			});
			return true;
		}
		catch (UncheckedIOException ex) {
			return false;
		}
	}

	List<ConfigRevision> history(String uniqueId) {
		PluginIds.requireValid(uniqueId, "unique id");
		return this.store.history(uniqueId);
	}

	Optional<StoredPluginConfig> loadRevision(String uniqueId, String revision) {
		PluginIds.requireValid(uniqueId, "unique id");
		Objects.requireNonNull(revision, "revision must not be null");
		return this.store.loadRevision(uniqueId, revision);
	}

	/**
	 * The configuration a restore of a revision saves.
	 * @throws PluginConfigRevisionNotFoundException when the history has no such revision
	 * @throws IllegalArgumentException when the revision is a deletion
	 */
	Map<String, Object> toRestore(String uniqueId, String revision) {
		Optional<StoredPluginConfig> stored = loadRevision(uniqueId, revision);
		if (stored.isPresent()) {
			return stored.get().config();
		}
		boolean deletion = this.store.history(uniqueId)
			.stream()
			.anyMatch((entry) -> entry.deleted() && entry.revision().equals(revision));
		if (deletion) {
			throw new IllegalArgumentException("Revision " + revision + " of plugin '" + uniqueId
					+ "' is a deletion, which has no configuration to restore; delete the configuration instead");
		}
		throw new PluginConfigRevisionNotFoundException(uniqueId, revision);
	}

	private @Nullable String write(String uniqueId, String operation, Supplier<@Nullable String> write) {
		try {
			return this.revisions.write(uniqueId, write);
		}
		catch (UncheckedIOException ex) {
			logger.log(System.Logger.Level.WARNING, "Could not " + operation + " the configuration of plugin '"
					+ uniqueId + "'; the previous one is unchanged", ex);
			throw ex;
		}
	}

}
