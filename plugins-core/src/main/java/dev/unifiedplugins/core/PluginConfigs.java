package dev.unifiedplugins.core;

import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import dev.unifiedplugins.config.ConfigChanges;
import dev.unifiedplugins.config.ConfigCheck;
import dev.unifiedplugins.config.ConfigJson;
import dev.unifiedplugins.config.ConfigRevision;
import dev.unifiedplugins.config.ExpectedRevision;
import dev.unifiedplugins.config.PluginConfigBusyException;
import dev.unifiedplugins.config.PluginConfigConflictException;
import dev.unifiedplugins.config.PluginConfigException;
import dev.unifiedplugins.config.PluginConfigRevisionNotFoundException;
import dev.unifiedplugins.config.PluginConfigSchema;
import dev.unifiedplugins.config.PluginConfigStore;
import dev.unifiedplugins.config.PluginConfigWriteOutcomeUnknownException;
import dev.unifiedplugins.config.PluginIds;
import dev.unifiedplugins.config.StoredPluginConfig;
import dev.unifiedplugins.json.Json;
import org.jspecify.annotations.Nullable;

/**
 * The registry's reads and writes of configurations: ids checked before they reach the
 * store, saves checked (schema, then validators) before any lock is taken, every write
 * recorded in the revisions (which keep the {@code configured} flags and tell the
 * listeners) and every failed write logged. A dry run checks as a save does and writes
 * nothing.
 */
final class PluginConfigs {

	private static final System.Logger logger = System.getLogger(UnifiedPluginRegistry.class.getName());

	private final PluginConfigStore store;

	private final StoredRevisions revisions;

	private final List<PluginConfigValidator> validators = new CopyOnWriteArrayList<>();

	PluginConfigs(PluginConfigStore store, StoredRevisions revisions) {
		this.store = store;
		this.revisions = revisions;
	}

	void addValidator(PluginConfigValidator validator) {
		this.validators.add(Objects.requireNonNull(validator, "validator must not be null"));
	}

	void removeValidator(PluginConfigValidator validator) {
		this.validators.remove(Objects.requireNonNull(validator, "validator must not be null"));
	}

	Map<String, Object> load(String uniqueId) {
		PluginIds.requireValid(uniqueId, "unique id");
		return this.store.load(uniqueId).map(Json::immutableCopy).orElse(Map.of());
	}

	Map<String, Object> loadWithDefaults(String uniqueId, @Nullable PluginConfigSchema schema) {
		return withDefaults(load(uniqueId), schema);
	}

	Optional<StoredPluginConfig> loadStored(String uniqueId) {
		PluginIds.requireValid(uniqueId, "unique id");
		return this.store.loadStored(uniqueId);
	}

	/**
	 * Saves after the checks of {@link #check}.
	 * @param schema the plugin's schema, null for none
	 * @param validate whether to validate against the schema
	 */
	String save(String uniqueId, Map<String, Object> config, ExpectedRevision expected,
			@Nullable PluginConfigSchema schema, boolean validate) {
		check(uniqueId, config, expected, schema, validate, false);
		return Objects.requireNonNull(write(uniqueId, "save", () -> this.store.save(uniqueId, config, expected)));
	}

	/**
	 * Checks as {@link #save} does, then compares the stored configuration with the one
	 * given, each over the schema's defaults and as saved; writes nothing.
	 * @throws PluginConfigConflictException when another revision is stored than expected
	 */
	ConfigCheck dryRun(String uniqueId, Map<String, Object> config, ExpectedRevision expected,
			@Nullable PluginConfigSchema schema, boolean validate) {
		Map<String, Object> after = Objects.requireNonNull(check(uniqueId, config, expected, schema, validate, true));
		StoredPluginConfig stored;
		String revision;
		try {
			stored = this.store.loadStored(uniqueId).orElse(null);
			revision = (stored != null) ? stored.revision() : null;
		}
		catch (PluginConfigException ex) {
			// A corrupt configuration, which a save replaces: compared as nothing saved.
			stored = null;
			revision = this.revisions.get(uniqueId);
		}
		if (!expected.matches(revision)) {
			throw new PluginConfigConflictException(uniqueId, expected, revision);
		}
		Map<String, Object> before = (stored != null) ? stored.config() : Map.of();
		return new ConfigCheck(ConfigChanges.between(withDefaults(before, schema), after),
				ConfigChanges.betweenSaved(before, config));
	}

	/**
	 * The checks before a write, outside every lock: the schema's (when {@code validate}),
	 * then every validator's, given the configuration over the schema's defaults.
	 * @param dryRun whether to return that configuration even when no validator needed it
	 * @return the configuration over the schema's defaults, null when it was not needed
	 */
	private @Nullable Map<String, Object> check(String uniqueId, Map<String, Object> config,
			ExpectedRevision expected, @Nullable PluginConfigSchema schema, boolean validate, boolean dryRun) {
		PluginIds.requireValid(uniqueId, "unique id");
		Objects.requireNonNull(config, () -> "config of plugin '" + uniqueId + "' must not be null");
		Objects.requireNonNull(expected, "expected must not be null");
		boolean validated = schema != null && validate;
		if (validated) {
			schema.validate(uniqueId, config);
		}
		List<PluginConfigValidator> validators = List.copyOf(this.validators);
		if (validators.isEmpty() && !dryRun) {
			return null;
		}
		if (!validated) {
			// What validation checks first: the defaults cannot be laid under anything else.
			ConfigJson.requireJson(uniqueId, config);
		}
		Map<String, Object> effective = withDefaults(config, schema);
		for (PluginConfigValidator validator : validators) {
			validator.validate(uniqueId, effective);
		}
		return effective;
	}

	private static Map<String, Object> withDefaults(Map<String, Object> config, @Nullable PluginConfigSchema schema) {
		return (schema != null) ? schema.withDefaults(config) : Json.immutableCopy(config);
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
		catch (PluginConfigWriteOutcomeUnknownException ex) {
			throw ex;
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
		Optional<StoredPluginConfig> stored;
		boolean deletion;
		try {
			stored = loadRevision(uniqueId, revision);
			deletion = stored.isEmpty() && this.store.history(uniqueId)
				.stream()
				.anyMatch((entry) -> entry.deleted() && entry.revision().equals(revision));
		}
		catch (UncheckedIOException ex) {
			// The restore failed as its write would have: logged as one.
			throw logged("restore", uniqueId, ex);
		}
		if (stored.isPresent()) {
			return stored.get().config();
		}
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
			throw logged(operation, uniqueId, ex);
		}
		catch (PluginConfigBusyException ex) {
			// Another writer held it: nothing is wrong here, and the caller may try again.
			logger.log(System.Logger.Level.INFO, "Could not " + operation + " the configuration of plugin '" + uniqueId
					+ "': " + ex.getMessage() + ((ex.getCause() != null) ? "; " + ex.getCause().getMessage() : ""));
			throw ex;
		}
	}

	/**
	 * Logs a failed write, once: the registry's callers (the endpoint among them) do not
	 * log it again. One line, with the store's message (which names the cause and holds no
	 * values), and the exception for its stack trace.
	 */
	private static UncheckedIOException logged(String operation, String uniqueId, UncheckedIOException ex) {
		logger.log(System.Logger.Level.WARNING, "Could not " + operation + " the configuration of plugin '" + uniqueId
				+ ((ex instanceof PluginConfigWriteOutcomeUnknownException) ? "' (whether it was written is unknown): "
						: "' (the previous one is unchanged): ")
				+ ex.getMessage(), ex);
		return ex;
	}

}
