package dev.unifiedplugins.actuate;

import java.io.UncheckedIOException;
import java.security.Principal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

import dev.unifiedplugins.config.ConfigCheck;
import dev.unifiedplugins.config.ConfigViolation;
import dev.unifiedplugins.config.ExpectedRevision;
import dev.unifiedplugins.config.PluginConfigConflictException;
import dev.unifiedplugins.config.PluginConfigException;
import dev.unifiedplugins.config.PluginConfigSchema;
import dev.unifiedplugins.config.PluginConfigValidationException;
import dev.unifiedplugins.config.StoredPluginConfig;
import dev.unifiedplugins.core.PluginMetadata;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.shutdown.PluginCleanup;
import dev.unifiedplugins.shutdown.PluginShutdown;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.audit.AuditEvent;

/**
 * The writes behind the {@code plugins} endpoint's write operations: revision-checked
 * saves and their dry runs, restores from the history, deletes and stopping a plugin's
 * resources. Each write is logged at INFO with the plugin and the revision, never a value,
 * and handed to an audit sink as an {@link AuditEvent}. A save's event names the paths where
 * a mask kept a saved secret ({@value #KEPT_SECRETS}), never the secret. A dry run writes
 * nothing and records nothing.
 */
public class PluginsEndpointWriter {

	/** Audit event type of a saved configuration. */
	public static final String CONFIG_SAVED = "PLUGIN_CONFIG_SAVED";

	/**
	 * Audit data of a save: the paths (JSON Pointers) where a mask kept the saved secret;
	 * present only when one did.
	 */
	public static final String KEPT_SECRETS = "keptSecrets";

	/** Audit event type of a deleted configuration. */
	public static final String CONFIG_DELETED = "PLUGIN_CONFIG_DELETED";

	/** Audit event type of a configuration restored from its history. */
	public static final String CONFIG_RESTORED = "PLUGIN_CONFIG_RESTORED";

	/** Audit event type of stopped resources. */
	public static final String RESOURCES_STOPPED = "PLUGIN_RESOURCES_STOPPED";

	/** How often a last-writer-wins save that restores masked values is tried. */
	private static final int ATTEMPTS = 3;

	private static final Log logger = LogFactory.getLog(PluginsEndpointWriter.class);

	private final UnifiedPluginRegistry registry;

	private final PluginShutdown shutdown;

	private final Duration resourceTimeout;

	private final Consumer<AuditEvent> audit;

	/**
	 * Creates a writer.
	 * @param registry the registry to write to
	 * @param shutdown the cleanup procedure, for stopping resources
	 * @param resourceTimeout the bound on each call into a plugin
	 * @param audit where audit events go, such as Spring Boot's audit event repository
	 */
	public PluginsEndpointWriter(UnifiedPluginRegistry registry, PluginShutdown shutdown, Duration resourceTimeout,
			Consumer<AuditEvent> audit) {
		this.registry = Objects.requireNonNull(registry, "registry must not be null");
		this.shutdown = Objects.requireNonNull(shutdown, "shutdown must not be null");
		this.resourceTimeout = Objects.requireNonNull(resourceTimeout, "resourceTimeout must not be null");
		this.audit = Objects.requireNonNull(audit, "audit must not be null");
	}

	/**
	 * What a save that names a revision expects to find stored.
	 * @param revision the revision the client read: null (absent or JSON null) for any, the
	 * last writer wins; empty for none, as when the client read no saved configuration
	 * @return the expectation
	 */
	public static ExpectedRevision expected(@Nullable String revision) {
		if (revision == null) {
			return ExpectedRevision.any();
		}
		return revision.isEmpty() ? ExpectedRevision.none() : ExpectedRevision.of(revision);
	}

	/**
	 * A key the schema does not know passes it when the schema allows other properties, as
	 * generated schemas do, and the plugin never reads it: said, so that whoever typed
	 * {@code modle} for {@code model} finds out.
	 */
	private void warnOfUndeclared(String uniqueId, Map<String, Object> config) {
		List<String> undeclared = this.registry.getRegisteredPlugin(uniqueId)
			.map((plugin) -> PluginConfigSchema.of(plugin.configSchema()).undeclaredPaths(config))
			.orElse(List.of());
		if (!undeclared.isEmpty()) {
			logger.warn("The configuration of plugin '" + uniqueId + "' holds settings its schema does not declare, "
					+ "which the plugin ignores unless it reads them itself (misspelt?): " + undeclared);
		}
	}

	/**
	 * Saves a plugin's configuration. A mask in it stands for the saved value at its place
	 * (see {@link MaskedValues}), except for a secret beside a destination the same save
	 * changes: the save is then refused with a violation at the secret's path.
	 * @param uniqueId the plugin's unique id
	 * @param config the configuration
	 * @param expected what must be stored for the save to go ahead
	 * @param principal who saves, or null
	 * @return the new revision
	 * @throws PluginConfigConflictException when another revision is stored; nothing is
	 * written
	 * @throws PluginConfigValidationException when the configuration breaks the plugin's
	 * schema, the loaded plugin refuses it, or a masked secret would follow a changed
	 * destination; nothing is written
	 * @throws IllegalArgumentException when a value cannot be saved
	 * @throws java.io.UncheckedIOException when the store failed; nothing is written
	 */
	public String save(String uniqueId, Map<String, Object> config, ExpectedRevision expected,
			@Nullable Principal principal) {
		Saved saved = MaskedValues.containsMask(config)
				? restoringMasks(uniqueId, config, expected, principal,
						(restored, expectation, kept) -> new Saved(
								this.registry.savePluginConfig(uniqueId, restored, expectation), kept))
				: new Saved(this.registry.savePluginConfig(uniqueId, config, expected), List.of());
		logger.info("Saved the configuration of plugin '" + uniqueId + "' as revision " + saved.revision()
				+ by(principal)
				+ (saved.keptSecrets().isEmpty() ? "" : ", keeping the saved secrets at " + saved.keptSecrets()));
		warnOfUndeclared(uniqueId, config);
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("uniqueId", uniqueId);
		data.put("revision", saved.revision());
		if (!saved.keptSecrets().isEmpty()) {
			data.put(KEPT_SECRETS, saved.keptSecrets());
		}
		audit(new AuditEvent(name(principal), CONFIG_SAVED, data));
		return saved.revision();
	}

	/**
	 * A dry run of {@link #save}: every check a save makes, masks restored as a save
	 * restores them, so that the changes compare real values; nothing is written.
	 * @param uniqueId the plugin's unique id
	 * @param config the configuration
	 * @param expected what must be stored for the save to go ahead
	 * @param principal who checks, or null
	 * @return what the save would change, in the effective and in the saved configuration,
	 * unmasked: the caller masks them for showing
	 * @throws PluginConfigConflictException when another revision is stored
	 * @throws PluginConfigValidationException as {@link #save}
	 * @throws IllegalArgumentException when a value cannot be saved
	 * @throws java.io.UncheckedIOException when the store cannot be read
	 */
	public ConfigCheck check(String uniqueId, Map<String, Object> config, ExpectedRevision expected,
			@Nullable Principal principal) {
		return MaskedValues.containsMask(config)
				? restoringMasks(uniqueId, config, expected, principal,
						(restored, expectation, kept) -> dryRun(uniqueId, restored, expectation))
				: dryRun(uniqueId, config, expected);
	}

	/** A dry run reads the store only, and the registry logs no read: its failure is logged here. */
	private ConfigCheck dryRun(String uniqueId, Map<String, Object> config, ExpectedRevision expected) {
		try {
			return this.registry.dryRunPluginConfig(uniqueId, config, expected);
		}
		catch (UncheckedIOException ex) {
			WriteFailures.logReadFailure("check", uniqueId, ex);
			throw ex;
		}
	}

	/**
	 * Masks are restored from what is stored now; the save (or its dry run) then expects
	 * exactly that, so that a change made in between is never overwritten with values
	 * restored from before it. A client that asked for any revision gets a few tries
	 * before a conflict. A masked secret beside a destination changed from what is stored
	 * is refused, each try.
	 */
	private <R> R restoringMasks(String uniqueId, Map<String, Object> config, ExpectedRevision expected,
			@Nullable Principal principal, MaskedWrite<R> write) {
		Map<String, Object> schema = this.registry.getRegisteredPlugin(uniqueId)
			.map(PluginMetadata::configSchema)
			.orElse(Map.of());
		for (int attempt = 1;; attempt++) {
			StoredPluginConfig stored = storedOrNull(uniqueId);
			MaskedValues.Restoration restoration = MaskedValues.restore(config,
					(stored != null) ? stored.config() : Map.of(), schema);
			if (!restoration.violations().isEmpty()) {
				logger.info("Refused the configuration of plugin '" + uniqueId + "'" + by(principal)
						+ ": masked secrets beside a changed destination at "
						+ restoration.violations().stream().map(ConfigViolation::path).toList());
				throw new PluginConfigValidationException(uniqueId, restoration.violations());
			}
			ExpectedRevision expectation = !expected.isAny() ? expected
					: (stored != null) ? ExpectedRevision.of(stored.revision()) : ExpectedRevision.none();
			try {
				return write.apply(restoration.config(), expectation, restoration.keptSecrets());
			}
			catch (PluginConfigConflictException ex) {
				if (!expected.isAny() || attempt == ATTEMPTS) {
					throw ex;
				}
			}
		}
	}

	/** The stored configuration; a corrupt one, which a save replaces, has no values to restore. */
	private @Nullable StoredPluginConfig storedOrNull(String uniqueId) {
		try {
			return this.registry.loadStoredPluginConfig(uniqueId).orElse(null);
		}
		catch (PluginConfigException ex) {
			return null;
		}
		catch (UncheckedIOException ex) {
			// The registry logs no read: logged here, once.
			WriteFailures.logReadFailure("read the masked values of", uniqueId, ex);
			throw ex;
		}
	}

	/**
	 * Deletes a plugin's saved configuration: it is back to its defaults.
	 * @param uniqueId the plugin's unique id
	 * @param principal who deletes, or null
	 * @return false when the store failed, which the registry logged
	 * @throws dev.unifiedplugins.config.PluginConfigWriteOutcomeUnknownException when the
	 * store lost its connection during the delete, which may have been done
	 */
	public boolean delete(String uniqueId, @Nullable Principal principal) {
		String previous = previousRevision(uniqueId);
		if (!this.registry.deletePluginConfig(uniqueId)) {
			return false;
		}
		logger.info("Deleted the configuration of plugin '" + uniqueId + "'"
				+ ((previous != null) ? " (was revision " + previous + ")" : " (none was saved)") + by(principal));
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("uniqueId", uniqueId);
		if (previous != null) {
			data.put("previousRevision", previous);
		}
		audit(new AuditEvent(name(principal), CONFIG_DELETED, data));
		return true;
	}

	private @Nullable String previousRevision(String uniqueId) {
		try {
			return this.registry.loadStoredPluginConfig(uniqueId).map(StoredPluginConfig::revision).orElse(null);
		}
		catch (RuntimeException ex) {
			// Only for the log: a corrupt or unreadable file is deleted all the same.
			return null;
		}
	}

	/**
	 * Restores the configuration a plugin had at a revision of its history, secrets
	 * included, as a new revision: checked as any save (see
	 * {@link UnifiedPluginRegistry#restorePluginConfig}). Its audit event names the revision
	 * restored and the new one.
	 * @param uniqueId the plugin's unique id
	 * @param revision the revision to bring back
	 * @param expected what must be stored for the restore to go ahead
	 * @param principal who restores, or null
	 * @return the new revision
	 * @throws dev.unifiedplugins.config.PluginConfigRevisionNotFoundException when the
	 * history has no such revision; nothing is written
	 * @throws IllegalArgumentException when that revision is a deletion; nothing is written
	 * @throws PluginConfigConflictException when another revision is stored; nothing is
	 * written
	 * @throws PluginConfigValidationException when that configuration is not valid now;
	 * nothing is written
	 * @throws java.io.UncheckedIOException when the store failed; nothing is written
	 */
	public String restore(String uniqueId, String revision, ExpectedRevision expected, @Nullable Principal principal) {
		String restored = this.registry.restorePluginConfig(uniqueId, revision, expected);
		logger.info("Restored revision " + revision + " of the configuration of plugin '" + uniqueId
				+ "' as revision " + restored + by(principal));
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("uniqueId", uniqueId);
		data.put("revision", restored);
		data.put("restoredRevision", revision);
		audit(new AuditEvent(name(principal), CONFIG_RESTORED, data));
		return restored;
	}

	/**
	 * Stops a plugin's resources: see {@link PluginShutdown#cleanUp(String, Duration)}.
	 * @param uniqueId the plugin's unique id
	 * @param principal who stops them, or null
	 * @return what was done and what failed
	 */
	public PluginCleanup stopResources(String uniqueId, @Nullable Principal principal) {
		PluginCleanup cleanup = this.shutdown.cleanUp(uniqueId, this.resourceTimeout);
		logger.info("Stopped the resources of plugin '" + uniqueId + "'" + by(principal) + ": cleaned up "
				+ cleanup.cleanedUp() + ", terminated " + cleanup.terminated() + ", ended PIDs "
				+ cleanup.endedPids() + ", " + cleanup.errors().size() + " error(s)");
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("uniqueId", uniqueId);
		data.put("cleanedUp", cleanup.cleanedUp());
		data.put("terminated", cleanup.terminated());
		data.put("endedPids", cleanup.endedPids());
		data.put("errors", cleanup.errors());
		audit(new AuditEvent(name(principal), RESOURCES_STOPPED, data));
		return cleanup;
	}

	/** The write is done: an audit trail that fails is logged, not the write's failure. */
	private void audit(AuditEvent event) {
		try {
			this.audit.accept(event);
		}
		catch (RuntimeException ex) {
			logger.warn("Could not record the audit event " + event.getType() + " of plugin '"
					+ event.getData().get("uniqueId") + "'", ex);
		}
	}

	private static @Nullable String name(@Nullable Principal principal) {
		return Optional.ofNullable(principal).map(Principal::getName).orElse(null);
	}

	private static String by(@Nullable Principal principal) {
		String name = name(principal);
		return (name != null) ? " by " + name : "";
	}

	/** A save done: the new revision, and where a mask kept a saved secret. */
	private record Saved(String revision, List<String> keptSecrets) {
	}

	/** A save, or its dry run, of a configuration whose masks were restored. */
	@FunctionalInterface
	private interface MaskedWrite<R> {

		R apply(Map<String, Object> restored, ExpectedRevision expectation, List<String> keptSecrets);

	}

}
