package dev.unifiedplugins.core;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.unifiedplugins.concurrent.Listeners;
import dev.unifiedplugins.config.ConfigChange;
import dev.unifiedplugins.config.ConfigCheck;
import dev.unifiedplugins.config.ConfigRevision;
import dev.unifiedplugins.config.ExpectedRevision;
import dev.unifiedplugins.config.FileSystemPluginConfigStore;
import dev.unifiedplugins.config.PluginConfigChange;
import dev.unifiedplugins.config.PluginConfigConflictException;
import dev.unifiedplugins.config.PluginConfigSchema;
import dev.unifiedplugins.config.PluginConfigStore;
import dev.unifiedplugins.config.StoredPluginConfig;
import dev.unifiedplugins.core.RegistrySnapshot.Category;
import dev.unifiedplugins.core.RegistrySnapshot.Plugin;
import dev.unifiedplugins.observation.PluginCallObserver;
import dev.unifiedplugins.observation.PluginOperation;
import dev.unifiedplugins.processes.ProcessTable;
import org.jspecify.annotations.Nullable;

/**
 * One registry for all of an application's plugin systems. Each {@link PluginManager} is
 * registered as a category; its plugins are discovered, their metadata kept, and one JSON
 * configuration per plugin persisted through a {@link PluginConfigStore}.
 * <p>
 * Thread-safe. Reads never block: they see an immutable snapshot of the registrations.
 * Saving and deleting the configuration of one plugin are serialized, so its
 * {@code configured} flag always matches the last completed write; no lock is shared by
 * two plugins, so a write that waits in the store (for a file lock, a database row) delays
 * that plugin alone, never another plugin's reads or writes nor a
 * {@linkplain #refreshConfigurations() refresh}. A write that waits for another writer of
 * the same plugin longer than the store allows throws
 * {@link dev.unifiedplugins.config.PluginConfigBusyException} and writes nothing.
 * <p>
 * The metadata returned by {@link #getPlugin}, {@link #getAllPlugins} and
 * {@link #getPluginsByCategory} is live: for a plugin whose manager has a loaded instance,
 * the PIDs and remote resource are those the instance reports now.
 * <p>
 * A plugin's configuration schema is checked when its manager registers, and every saved
 * configuration is validated against it (see {@link #setValidationEnabled}), then by every
 * {@linkplain #addConfigValidator validator}, before anything is written;
 * {@link #checkPluginConfig} runs the same checks and writes nothing.
 * <p>
 * Every method that takes a unique id ({@code category_name}) throws
 * {@link NullPointerException} for null. Those that load, save or delete a configuration
 * also throw {@link IllegalArgumentException} for an illegal one (see
 * {@link dev.unifiedplugins.config.PluginIds});
 * lookups answer empty. Those that read a stored configuration throw
 * {@link dev.unifiedplugins.config.PluginConfigException} when it is corrupt and
 * {@link UncheckedIOException} when it cannot be read.
 */
public class UnifiedPluginRegistry {

	private final PluginConfigStore store;

	private final Object registrationLock = new Object();

	private volatile RegistrySnapshot snapshot = RegistrySnapshot.EMPTY;

	private final StoredRevisions revisions;

	private final PluginConfigs configs;

	private volatile boolean validationEnabled = true;

	private volatile PluginCallObserver observer = PluginCallObserver.NONE;

	private final RegistrationFailures failures = new RegistrationFailures();

	private final Listeners<PluginConfigChange> changeListeners = new Listeners<>("plugin configuration changes");

	/** Creates a registry that keeps configurations in the {@code configs} directory. */
	public UnifiedPluginRegistry() {
		this(Path.of("configs"));
	}

	/**
	 * Creates a registry that keeps configurations in a directory.
	 * @param configDir the directory, created when missing
	 */
	public UnifiedPluginRegistry(Path configDir) {
		this(new FileSystemPluginConfigStore(Objects.requireNonNull(configDir, "configDir must not be null")));
	}

	/**
	 * Creates a registry over a config store.
	 * @param store where configurations are kept
	 */
	public UnifiedPluginRegistry(PluginConfigStore store) {
		this.store = Objects.requireNonNull(store, "store must not be null");
		this.revisions = new StoredRevisions(store, this.changeListeners);
		this.configs = new PluginConfigs(store, this.revisions);
	}

	/** {@return the store that holds the configurations} */
	public PluginConfigStore getConfigStore() {
		return this.store;
	}

	/**
	 * Sets whether saved configurations are validated against their schema, and schemas
	 * checked when their manager registers (else on their first validation). On by default.
	 * The {@linkplain #addConfigValidator validators} run either way.
	 * @param validationEnabled whether to validate
	 */
	public void setValidationEnabled(boolean validationEnabled) {
		this.validationEnabled = validationEnabled;
	}

	/** {@return whether configurations are validated against their schema; true unless turned off} */
	public boolean isValidationEnabled() {
		return this.validationEnabled;
	}

	/**
	 * Registers a manager and discovers its plugins, as
	 * {@link #registerPluginManager(String, PluginManager, String, boolean)
	 * registerPluginManager(category, manager, null, true)} does.
	 */
	public List<PluginMetadata> registerPluginManager(String category, PluginManager manager) {
		return registerPluginManager(category, manager, null, true);
	}

	/**
	 * Registers a manager as a category, replacing the category's manager and plugins if it
	 * was registered before. Every failure is also kept in {@link #getRegistrationFailures()}
	 * until the category registers successfully.
	 * @param category the category, a legal id
	 * @param manager the manager
	 * @param displayName the display name, or null for the category title-cased as Python's
	 * {@code str.title()} does ({@code speech_to_text} becomes {@code Speech_To_Text})
	 * @param autoDiscover whether to discover the manager's plugins now
	 * @return the registered plugins' metadata, in discovery order
	 * @throws IllegalArgumentException naming the plugin when an id is illegal, two plugins
	 * share a name or unique id, or a config schema is not a valid JSON Schema
	 * @throws IllegalStateException when the manager returns null
	 * @throws RuntimeException whatever the manager's discovery throws, or
	 * {@link UncheckedIOException} when the store cannot be read on the first registration:
	 * the category is registered all the same, and its failure ends with the store's next
	 * successful {@link #refreshConfigurations() read}
	 */
	public List<PluginMetadata> registerPluginManager(String category, PluginManager manager,
			@Nullable String displayName, boolean autoDiscover) {
		return Objects.requireNonNull(register(category, manager, displayName, autoDiscover, null));
	}

	/**
	 * Registers a category again with the manager it has, discovering its plugins, as
	 * {@link #registerPluginManager(String, PluginManager, String, boolean)} does, unless the
	 * category was meanwhile registered with another manager, or is no longer: a discovery
	 * that took long (a rescan) then puts back no manager that was replaced, and records no
	 * failure, also when the discovery failed, its error being about a manager no longer in
	 * use.
	 * @param category the category, a legal id
	 * @param manager the manager the category has
	 * @param displayName the display name, or null for the category title-cased
	 * @return the registered plugins' metadata, or empty when the category's manager is no
	 * longer this one and nothing was registered
	 * @throws RuntimeException as {@link #registerPluginManager(String, PluginManager, String, boolean)},
	 * while the category still has this manager
	 */
	public Optional<List<PluginMetadata>> reregisterPluginManager(String category, PluginManager manager,
			@Nullable String displayName) {
		Objects.requireNonNull(manager, "manager must not be null");
		return Optional.ofNullable(register(category, manager, displayName, true, manager));
	}

	/** @param expected the manager the category must still have, or null for any */
	private @Nullable List<PluginMetadata> register(String category, PluginManager manager,
			@Nullable String displayName, boolean autoDiscover, @Nullable PluginManager expected) {
		Objects.requireNonNull(category, "category must not be null");
		boolean registered = false;
		try {
			Category entry = PluginDiscovery.category(category, manager, displayName, autoDiscover,
					this.validationEnabled);
			synchronized (this.registrationLock) {
				if (replaced(category, expected)) {
					return null;
				}
				this.snapshot = this.snapshot.with(entry);
			}
			registered = true;
			// The first registration reads what is stored; later changes made elsewhere come
			// through refreshConfigurations(), so registering many categories reads it once.
			this.revisions.ensureLoaded();
			this.failures.succeeded(category);
			return entry.plugins().stream().map(this::metadata).toList();
		}
		catch (RuntimeException | Error ex) {
			if (!registered && !(ex instanceof VirtualMachineError)) {
				synchronized (this.registrationLock) {
					// A discovery of a manager replaced meanwhile failed: its error is about a
					// manager no longer in use, not about the category, whose manager may work.
					if (replaced(category, expected)) {
						return null;
					}
				}
			}
			this.failures.failed(category, ex, registered);
			throw ex;
		}
	}

	/** {@return whether the category no longer has the expected manager; false when any will do} */
	private boolean replaced(String category, @Nullable PluginManager expected) {
		return expected != null && getManager(category).orElse(null) != expected;
	}

	/** {@return the categories whose last registration failed, with the error, sorted; empty when none} */
	public Map<String, Throwable> getRegistrationFailures() {
		return this.failures.sorted();
	}

	/**
	 * The manager of a category, as a given type.
	 * @param <T> the manager type
	 * @param category the category
	 * @param type the expected manager type
	 * @return the manager, or empty when the category is not registered
	 * @throws IllegalArgumentException when the manager is not of the given type
	 */
	public <T extends PluginManager> Optional<T> getManager(String category, Class<T> type) {
		Objects.requireNonNull(type, "type must not be null");
		return getManager(category).map((manager) -> {
			if (!type.isInstance(manager)) {
				throw new IllegalArgumentException("The manager of category '" + category + "' is a "
						+ manager.getClass().getName() + ", not a " + type.getName());
			}
			return type.cast(manager);
		});
	}

	/**
	 * @param category the category
	 * @return its manager, or empty when the category is not registered
	 */
	public Optional<PluginManager> getManager(String category) {
		return Optional.ofNullable(category(category)).map(Category::manager);
	}

	/** {@return the registered categories, sorted} */
	public List<String> getCategories() {
		return this.snapshot.sortedCategories();
	}

	/**
	 * @param category the category
	 * @return its display name; for an unknown category, the category title-cased, as the
	 * Python library answers
	 */
	public String getCategoryDisplayName(String category) {
		Category entry = category(category);
		return (entry != null) ? entry.displayName() : PluginDiscovery.titleCase(category);
	}

	/** {@return the categories that have at least one plugin, sorted} */
	public List<String> getCategoriesWithPlugins() {
		return this.snapshot.categoriesWithPlugins();
	}

	/**
	 * @param uniqueId the plugin's unique id
	 * @return its metadata, with the live resources of its instance if it is loaded; empty
	 * when no such plugin is registered
	 */
	public Optional<PluginMetadata> getPlugin(String uniqueId) {
		Plugin plugin = plugin(uniqueId);
		return (plugin != null) ? Optional.of(plugin.live(metadata(plugin), PluginResources.lazyProcessTable()))
				: Optional.empty();
	}

	/**
	 * @param category the category
	 * @return its plugins with live resources, in discovery order; empty for an unknown one
	 */
	public List<PluginMetadata> getPluginsByCategory(String category) {
		Category entry = category(category);
		return (entry != null) ? liveList(entry.plugins()) : List.of();
	}

	/** {@return every plugin with live resources, in registration order} */
	public List<PluginMetadata> getAllPlugins() {
		return liveList(this.snapshot.ordered());
	}

	/**
	 * {@return every plugin's metadata as registered, in registration order} No plugin
	 * instance is asked: callers that bound the time of each plugin call start from this.
	 */
	public List<PluginMetadata> getRegisteredPlugins() {
		return eachRegistered(this::metadata);
	}

	/** {@return every plugin as registered with its unique id, in registration order} */
	public List<RegisteredPlugin> getRegistrations() {
		return eachRegistered(this::registration);
	}

	private <T> List<T> eachRegistered(Function<Plugin, T> view) {
		return this.snapshot.ordered().stream().map(view).toList();
	}

	/**
	 * @param uniqueId the plugin's unique id
	 * @return its metadata as registered, without asking its instance; empty when no such
	 * plugin is registered
	 */
	public Optional<PluginMetadata> getRegisteredPlugin(String uniqueId) {
		return Optional.ofNullable(plugin(uniqueId)).map(this::metadata);
	}

	/**
	 * @param uniqueId the plugin's unique id
	 * @return its live instance if its manager has it loaded; empty when the plugin is
	 * unknown or not loaded
	 */
	public Optional<Object> getPluginInstance(String uniqueId) {
		Plugin plugin = plugin(uniqueId);
		Optional<Object> instance = (plugin != null) ? plugin.manager().getPlugin(plugin.name()) : null;
		return (instance != null) ? instance : Optional.empty();
	}

	/**
	 * A plugin's saved configuration: the saved values only.
	 * @param uniqueId the plugin's unique id
	 * @return the configuration, an empty map when none is saved
	 */
	public Map<String, Object> loadPluginConfig(String uniqueId) {
		return this.configs.load(uniqueId);
	}

	/**
	 * A plugin's saved values laid over its schema's defaults, nested objects merged key by
	 * key ({@link PluginConfigSchema#withDefaults(Map)}).
	 * @param uniqueId the plugin's unique id
	 * @return the configuration; the saved values only for a plugin without a schema or
	 * not registered
	 */
	public Map<String, Object> loadPluginConfigWithDefaults(String uniqueId) {
		return this.configs.loadWithDefaults(uniqueId, schemaOf(uniqueId));
	}

	/**
	 * {@link #loadPluginConfigWithDefaults(String)}, bound to a class with Jackson, the saved
	 * values first checked against the schema as a save checks them, unless validation is
	 * off (see {@link PluginConfigSupport#bindSaved}): as a plugin load binds them.
	 * @param <T> the configuration type
	 * @param uniqueId the plugin's unique id
	 * @param type the configuration class, typically the one the schema was generated from
	 * @return the configuration
	 * @throws dev.unifiedplugins.config.PluginConfigException also when it cannot be bound
	 * (naming the property)
	 * @throws dev.unifiedplugins.config.PluginConfigValidationException when the saved
	 * values break the schema (a file edited by hand)
	 */
	public <T> T loadPluginConfig(String uniqueId, Class<T> type) {
		return bindPluginConfig(uniqueId, loadStoredPluginConfig(uniqueId).orElse(null), type);
	}

	/**
	 * Binds a configuration read with {@link #loadStoredPluginConfig(String)} as
	 * {@link #loadPluginConfig(String, Class)} binds it, for a load that records the
	 * revision it read.
	 * @param <T> the configuration type
	 * @param uniqueId the plugin's unique id
	 * @param stored what was read, or null when nothing is saved
	 * @param type the configuration class
	 * @return the configuration
	 */
	public <T> T bindPluginConfig(String uniqueId, @Nullable StoredPluginConfig stored, Class<T> type) {
		Objects.requireNonNull(type, "type must not be null");
		return PluginConfigSupport.bindSaved(uniqueId, (stored != null) ? stored.config() : null, schemaOf(uniqueId),
				this.validationEnabled, type);
	}

	/**
	 * A plugin's saved configuration with its revision, for a read-modify-write with
	 * {@link #savePluginConfig(String, Map, ExpectedRevision)}.
	 * @param uniqueId the plugin's unique id
	 * @return the saved values and their revision, empty when none is saved
	 */
	public Optional<StoredPluginConfig> loadStoredPluginConfig(String uniqueId) {
		return this.configs.loadStored(uniqueId);
	}

	/**
	 * The revision this registry last saw stored for a plugin, without reading the store:
	 * what a save may expect while the store cannot be read.
	 * @param uniqueId the plugin's unique id
	 * @return the revision, empty when none was stored when last seen
	 */
	public Optional<String> getKnownRevision(String uniqueId) {
		Objects.requireNonNull(uniqueId, "uniqueId must not be null");
		return Optional.ofNullable(this.revisions.get(uniqueId));
	}

	/**
	 * Saves a plugin's configuration atomically and marks the plugin configured; the last
	 * writer wins. It must match the plugin's schema, unless validation is off, and pass
	 * every {@linkplain #addConfigValidator validator}, such as a loaded plugin's own
	 * check.
	 * @param uniqueId the plugin's unique id
	 * @param config a JSON object
	 * @return true when saved; false when an I/O error prevented it, which is logged and
	 * leaves the previous configuration as it was
	 * @throws dev.unifiedplugins.config.PluginConfigValidationException listing every
	 * violation of the schema, or why a validator refused it; nothing is written and no
	 * listener is told
	 * @throws IllegalArgumentException also when a value cannot be held in JSON
	 */
	public boolean savePluginConfig(String uniqueId, Map<String, Object> config) {
		try {
			savePluginConfig(uniqueId, config, ExpectedRevision.any());
			return true;
		}
		catch (UncheckedIOException ex) {
			return false;
		}
	}

	/**
	 * Saves a plugin's configuration atomically if what is stored meets an expectation,
	 * typically the revision read with {@link #loadStoredPluginConfig(String)}: two people
	 * editing one plugin cannot overwrite each other's change unseen.
	 * <p>
	 * A write that fails is logged here, once, in one line with its cause: an I/O error as
	 * a warning (with the exception), a busy plugin at INFO; callers need not log it again.
	 * The same holds for deletes and restores.
	 * @param uniqueId the plugin's unique id
	 * @param config a JSON object
	 * @param expected what must be stored for the save to go ahead
	 * @return the new revision
	 * @throws PluginConfigConflictException when the stored revision is another; nothing
	 * is written
	 * @throws UncheckedIOException when an I/O error prevented it, logged; otherwise as
	 * {@link #savePluginConfig(String, Map)}
	 */
	public String savePluginConfig(String uniqueId, Map<String, Object> config, ExpectedRevision expected) {
		String category = getRegisteredPlugin(uniqueId).map(PluginMetadata::category).orElse("unknown");
		return this.observer.observe(PluginOperation.CONFIG_SAVE, uniqueId, category, Map.of(),
				() -> this.configs.save(uniqueId, config, expected, schemaOf(uniqueId), this.validationEnabled));
	}

	/**
	 * Sets what observes each save of a configuration ({@code plugins.config.save}).
	 * @param observer the observer, {@link PluginCallObserver#NONE} by default
	 */
	public void setObserver(PluginCallObserver observer) {
		this.observer = Objects.requireNonNull(observer, "observer must not be null");
	}

	/**
	 * A dry run of {@link #savePluginConfig(String, Map)}: see
	 * {@link #checkPluginConfig(String, Map, ExpectedRevision)}, with any revision stored.
	 * @param uniqueId the plugin's unique id
	 * @param config a JSON object
	 * @return the changes, empty when the save would change nothing
	 */
	public List<ConfigChange> checkPluginConfig(String uniqueId, Map<String, Object> config) {
		return checkPluginConfig(uniqueId, config, ExpectedRevision.any());
	}

	/**
	 * A dry run of {@link #savePluginConfig(String, Map, ExpectedRevision)}: every check a
	 * save makes (the schema, the validators, the expected revision), and what the save
	 * would change. Nothing is written and no listener is told.
	 * <p>
	 * The changes compare the plugin's effective configurations, as
	 * {@link #loadPluginConfigWithDefaults(String)} gives them: what is stored now and the
	 * configuration given, each over the schema's defaults (see {@link ConfigChange} and
	 * {@link dev.unifiedplugins.config.ConfigChanges}). A value saved equal to its default
	 * is thus no change, and a saved value left out is a change back to its default. A
	 * stored configuration that is corrupt counts as none.
	 * @param uniqueId the plugin's unique id
	 * @param config a JSON object
	 * @param expected what must be stored for a save to go ahead
	 * <p>
	 * Where nothing is saved, a save that changes no effective value still writes the first
	 * revision: {@link #dryRunPluginConfig} tells that too.
	 * @return the changes, empty when the save would change no effective value
	 * @throws dev.unifiedplugins.config.PluginConfigValidationException as a save would
	 * @throws PluginConfigConflictException when another revision is stored than expected
	 * @throws UncheckedIOException when the store cannot be read
	 * @throws IllegalArgumentException also when a value cannot be held in JSON
	 */
	public List<ConfigChange> checkPluginConfig(String uniqueId, Map<String, Object> config,
			ExpectedRevision expected) {
		return dryRunPluginConfig(uniqueId, config, expected).changes();
	}

	/**
	 * The dry run of {@link #checkPluginConfig(String, Map, ExpectedRevision)}, with what the
	 * save would change in the saved configuration itself besides: what it starts or stops
	 * saving where the effective value stays the same, such as every value of a first save
	 * made of the defaults, which changes no effective value.
	 * @param uniqueId the plugin's unique id
	 * @param config a JSON object
	 * @param expected what must be stored for a save to go ahead
	 * @return the changes of the effective and of the saved configuration
	 * @throws dev.unifiedplugins.config.PluginConfigValidationException as a save would
	 * @throws PluginConfigConflictException when another revision is stored than expected
	 * @throws UncheckedIOException when the store cannot be read
	 * @throws IllegalArgumentException also when a value cannot be held in JSON
	 */
	public ConfigCheck dryRunPluginConfig(String uniqueId, Map<String, Object> config, ExpectedRevision expected) {
		return this.configs.dryRun(uniqueId, config, expected, schemaOf(uniqueId), this.validationEnabled);
	}

	/**
	 * Adds a check that every save of a configuration, and every
	 * {@linkplain #checkPluginConfig dry run}, passes after the schema's and before anything
	 * is written. Validators run in the order they were added, in the saving thread, with
	 * no lock of this registry held.
	 * @param validator the check
	 */
	public void addConfigValidator(PluginConfigValidator validator) {
		this.configs.addValidator(validator);
	}

	/** @param validator a validator added with {@link #addConfigValidator}, to remove */
	public void removeConfigValidator(PluginConfigValidator validator) {
		this.configs.removeValidator(validator);
	}

	/**
	 * Deletes a plugin's configuration and marks the plugin unconfigured.
	 * @param uniqueId the plugin's unique id
	 * @return true when no configuration remains; false when an I/O error prevented the
	 * delete, which is logged
	 * @throws dev.unifiedplugins.config.PluginConfigWriteOutcomeUnknownException when the
	 * store lost its connection during the delete, which may have been done
	 */
	public boolean deletePluginConfig(String uniqueId) {
		return this.configs.delete(uniqueId);
	}

	/**
	 * A plugin's configuration history, as its store keeps it: the last revisions
	 * (deletions included), each with when and by which instance it was written.
	 * @param uniqueId the plugin's unique id
	 * @return the entries, newest first; empty when the store keeps no history
	 * @throws UncheckedIOException when the history cannot be read
	 */
	public List<ConfigRevision> getConfigHistory(String uniqueId) {
		return this.configs.history(uniqueId);
	}

	/**
	 * A plugin's configuration as it was stored at a revision of its history: the saved
	 * values only.
	 * @param uniqueId the plugin's unique id
	 * @param revision a revision of {@link #getConfigHistory(String)}
	 * @return the configuration and that revision; empty when the history has no such
	 * revision, or it is a deletion
	 */
	public Optional<StoredPluginConfig> loadPluginConfigRevision(String uniqueId, String revision) {
		return this.configs.loadRevision(uniqueId, revision);
	}

	/**
	 * Saves the configuration a plugin had at a revision of its history, secrets included,
	 * as a new revision: checked as any save is (see
	 * {@link #savePluginConfig(String, Map, ExpectedRevision)}), and then the newest entry
	 * of the history.
	 * @param uniqueId the plugin's unique id
	 * @param revision the revision to bring back, from {@link #getConfigHistory(String)}
	 * @param expected what must be stored for the restore to go ahead, typically the
	 * current revision
	 * @return the new revision
	 * @throws dev.unifiedplugins.config.PluginConfigRevisionNotFoundException when the
	 * history has no such revision; nothing is written
	 * @throws IllegalArgumentException when the revision is a deletion, which has nothing to
	 * restore; nothing is written
	 * @throws PluginConfigConflictException when the stored revision is another; nothing is
	 * written
	 * @throws dev.unifiedplugins.config.PluginConfigValidationException when that
	 * configuration is not valid now; nothing is written
	 * @throws UncheckedIOException when an I/O error prevented it, logged
	 */
	public String restorePluginConfig(String uniqueId, String revision, ExpectedRevision expected) {
		Objects.requireNonNull(expected, "expected must not be null");
		return savePluginConfig(uniqueId, this.configs.toRestore(uniqueId, revision), expected);
	}

	/**
	 * Listens to every change of a stored configuration: this registry's saves and deletes
	 * as they happen, and changes made elsewhere when {@link #refreshConfigurations()} finds
	 * them. Listeners run in the thread that made or found the change; one that throws is
	 * logged and does not stop the others.
	 * @param listener the listener
	 */
	public void addChangeListener(Consumer<PluginConfigChange> listener) {
		this.changeListeners.add(listener);
	}

	/** @param listener a listener added with {@link #addChangeListener(Consumer)}, to stop */
	public void removeChangeListener(Consumer<PluginConfigChange> listener) {
		this.changeListeners.remove(Objects.requireNonNull(listener, "listener must not be null"));
	}

	/**
	 * Compares the stored revisions with those last seen, updates the {@code configured}
	 * flags and tells the listeners of every change made elsewhere. A
	 * {@link dev.unifiedplugins.watch.PluginConfigWatcher} calls it when the store reports
	 * a change and at every rescan interval.
	 * @return the changes found, marked external
	 * @throws UncheckedIOException when the store cannot be read; nothing changes
	 */
	public List<PluginConfigChange> refreshConfigurations() {
		List<PluginConfigChange> changes = this.revisions.refresh();
		this.failures.storeRead();
		return changes;
	}

	private @Nullable Plugin plugin(String uniqueId) {
		return this.snapshot.byId().get(Objects.requireNonNull(uniqueId, "uniqueId must not be null"));
	}

	private @Nullable Category category(String category) {
		return this.snapshot.categories().get(Objects.requireNonNull(category, "category must not be null"));
	}

	private @Nullable PluginConfigSchema schemaOf(String uniqueId) {
		Plugin plugin = plugin(uniqueId);
		return (plugin != null) ? plugin.schema() : null;
	}

	/** A plugin's registered metadata, with its {@code configured} flag as of now. */
	private PluginMetadata metadata(Plugin plugin) {
		return registration(plugin).metadata();
	}

	private RegisteredPlugin registration(Plugin plugin) {
		return this.revisions.contains(plugin.uniqueId()) ? plugin.configured() : plugin.unconfigured();
	}

	private List<PluginMetadata> liveList(List<Plugin> plugins) {
		Supplier<ProcessTable> table = PluginResources.lazyProcessTable();
		List<PluginMetadata> result = new ArrayList<>(plugins.size());
		for (Plugin plugin : plugins) {
			result.add(plugin.live(metadata(plugin), table));
		}
		return Collections.unmodifiableList(result);
	}

}
