package dev.unifiedplugins.systems;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.function.Consumer;

import dev.unifiedplugins.applied.AppliedRevisions;
import dev.unifiedplugins.applied.LocalAppliedRevisions;
import dev.unifiedplugins.concurrent.BoundedCalls;
import dev.unifiedplugins.concurrent.KeyedLocks;
import dev.unifiedplugins.config.PluginConfigChange;
import dev.unifiedplugins.core.PluginMetadata;
import dev.unifiedplugins.core.RegisteredPlugin;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.observation.PluginCallObserver;
import dev.unifiedplugins.observation.PluginOperation;
import dev.unifiedplugins.processes.ThisProcess;
import org.jspecify.annotations.Nullable;

/**
 * Loads, reloads and unloads the plugins of {@link PluginSystemManager}s registered with a
 * registry, each with its typed configuration: the saved values over the schema's
 * defaults, bound to the plugin's config class and handed to
 * {@link ConfigurablePlugin#configure}.
 * <p>
 * Loading is explicit ({@link #load}, {@link #loadAll}); nothing else loads a plugin.
 * Once a plugin was asked to load, every change of its stored configuration reloads it,
 * whether made by this registry or found elsewhere (another instance on a shared store):
 * a new instance is created and configured, then replaces the old one, which is cleaned
 * up. A load or reload that fails keeps the previous instance and records the error,
 * which the {@code plugins} endpoint shows in the plugin's entry.
 * <p>
 * Reloads run on threads of their own, never in the thread that saved the configuration:
 * those of one plugin one at a time, in order, those of different plugins side by side.
 * Every call into a plugin's code ({@code configure}, {@code forceCleanup},
 * {@code validate}) runs on a bounded call, waited for at most the bound given: a plugin
 * whose {@code configure} does not answer in time fails to load, as one that throws does,
 * and is cleaned up if it ever returns; a {@code forceCleanup} that does not answer in
 * time goes on in the background. One plugin that hangs thus delays no other plugin's
 * load, reload or unload, nor the watch of a directory of JARs; whatever a plugin throws,
 * {@link Error}s such as a {@link NoClassDefFoundError} included, is its own failure.
 * <p>
 * Every save of a loaded plugin's configuration through the registry (and every
 * {@linkplain UnifiedPluginRegistry#checkPluginConfig dry run}) first asks the instance's
 * {@link ConfigurablePlugin#validate}, bounded in time; a refusal, or no answer in time,
 * refuses the save with a {@link dev.unifiedplugins.config.PluginConfigValidationException}
 * and nothing is written. A plugin that is not loaded is not asked: its configuration is
 * checked against its schema only.
 * <p>
 * Every load, reload and unload is recorded in {@link AppliedRevisions}: the revision of
 * the configuration applied, or the error of a load that failed, read by the
 * {@code plugins} endpoint's {@code applied} and awaited after a save.
 */
public class PluginLifecycle implements AutoCloseable {

	/** The bound on each call into a plugin's code unless one is given: 2 seconds. */
	public static final Duration DEFAULT_VALIDATION_TIMEOUT = Duration.ofSeconds(2);

	private static final System.Logger logger = System.getLogger(PluginLifecycle.class.getName());

	private final UnifiedPluginRegistry registry;

	/** How long closing waits for the reloads under way and the calls they made. */
	private static final Duration CLOSE_GRACE = Duration.ofSeconds(5);

	private final Set<JarDirectoryWatcher> watchers = ConcurrentHashMap.newKeySet();

	private final Consumer<PluginConfigChange> listener = this::onChange;

	/** Runs loads, reloads and unloads that no caller waits for in its own thread, one plugin's in order. */
	private final BoundedCalls reloads = new BoundedCalls("plugins-reload-", 4);

	/**
	 * Runs the calls into plugin code, one plugin's at a time: a hung plugin holds one
	 * thread (two, hung in both configure and validate). As many as the shared pool of the
	 * starter's plugin calls, so that a few hung plugins leave the others threads; threads
	 * are made only while calls run.
	 */
	private final BoundedCalls calls = new BoundedCalls("plugins-lifecycle-", 32);

	/** The rescans of each category, at most one waiting behind the one that runs. */
	private final PendingRescans rescans = new PendingRescans(this.calls);

	private final Duration callTimeout;

	private final LoadedPluginValidator validator;

	private final AppliedRevisions applied;

	private volatile PluginCallObserver observer = PluginCallObserver.NONE;

	/**
	 * Creates the lifecycle, with calls into plugin code bounded by {@link #DEFAULT_VALIDATION_TIMEOUT}:
	 * see {@link #PluginLifecycle(UnifiedPluginRegistry, Duration)}.
	 * @param registry the registry whose plugin systems to manage
	 */
	public PluginLifecycle(UnifiedPluginRegistry registry) {
		this(registry, DEFAULT_VALIDATION_TIMEOUT);
	}

	/**
	 * Creates the lifecycle, listens to the registry's configuration changes and checks
	 * every save with the loaded plugin's {@link ConfigurablePlugin#validate}.
	 * @param registry the registry whose plugin systems to manage
	 * @param validationTimeout the longest a save waits for a plugin's {@code validate},
	 * and a load, reload or unload for its {@code configure} or {@code forceCleanup} (each
	 * on a thread of its own, at most one per plugin); a save that waits longer is refused,
	 * a load fails. A hung call keeps its thread, and later calls into the same plugin fail
	 * after the same wait, until it returns
	 */
	public PluginLifecycle(UnifiedPluginRegistry registry, Duration validationTimeout) {
		this(registry, validationTimeout, new LocalAppliedRevisions(ThisProcess.name()));
	}

	/**
	 * Creates the lifecycle as {@link #PluginLifecycle(UnifiedPluginRegistry, Duration)}
	 * does, recording what each load applied where the other instances see it.
	 * @param registry the registry whose plugin systems to manage
	 * @param validationTimeout the longest a save, load, reload or unload waits for a call
	 * into the plugin's code
	 * @param applied where each load's revision or error, and each unload, is recorded
	 */
	public PluginLifecycle(UnifiedPluginRegistry registry, Duration validationTimeout, AppliedRevisions applied) {
		this.applied = Objects.requireNonNull(applied, "applied must not be null");
		this.registry = Objects.requireNonNull(registry, "registry must not be null");
		Objects.requireNonNull(validationTimeout, "validationTimeout must not be null");
		if (validationTimeout.isNegative() || validationTimeout.isZero()) {
			throw new IllegalArgumentException("validationTimeout must be positive, not " + validationTimeout);
		}
		this.callTimeout = validationTimeout;
		this.validator = new LoadedPluginValidator(registry, this.calls, validationTimeout);
		registry.addChangeListener(this.listener);
		registry.addConfigValidator(this.validator);
	}

	/**
	 * Loads a plugin, or reloads it when it is loaded.
	 * @param uniqueId the plugin's unique id
	 * @return the new instance
	 * @throws IllegalArgumentException when no such plugin is registered, or its manager
	 * is not a {@link PluginSystemManager}
	 * @throws PluginLoadException when its configuration does not bind, creating or
	 * configuring it throws, or its {@code configure} does not answer in time; the previous
	 * instance stays loaded
	 */
	public Object load(String uniqueId) {
		return load(uniqueId, this.registry.getKnownRevision(uniqueId).orElse(null), PluginOperation.LOAD);
	}

	/**
	 * Sets what observes each load, reload and unload, and puts the calls into the
	 * plugin's code ({@code configure}, {@code forceCleanup}) in its log context.
	 * @param observer the observer, {@link PluginCallObserver#NONE} by default
	 */
	public void setObserver(PluginCallObserver observer) {
		this.observer = Objects.requireNonNull(observer, "observer must not be null");
		this.validator.setObserver(observer);
	}

	/**
	 * Loads and records the outcome under the plugin's load lock, so that the outcomes are
	 * recorded in the order of the loads.
	 * @param revision the revision to record when the load reads none: a plugin without
	 * configuration, or whose configuration cannot be read
	 */
	private Object load(String uniqueId, @Nullable String revision, PluginOperation operation) {
		Target target = target(uniqueId);
		return this.observer.observe(operation, uniqueId, target.category(), Map.of(),
				() -> load(uniqueId, revision, target));
	}

	private Object load(String uniqueId, @Nullable String revision, Target target) {
		RevisionedConfigs configs = new RevisionedConfigs(this.registry, uniqueId, revision);
		Object instance;
		try (KeyedLocks.Held held = target.manager().lockLoads(target.name())) {
			try {
				instance = target.manager().load(uniqueId, target.name(), configs, calls(uniqueId, target.category()));
			}
			catch (PluginLoadException ex) {
				this.applied.record(uniqueId, configs.revision(),
						target.manager().getLoadError(target.name()).orElse(ex.getMessage()));
				throw ex;
			}
			this.applied.record(uniqueId, configs.revision(), null);
		}
		logger.log(System.Logger.Level.INFO, "Loaded plugin '" + uniqueId + "'"
				+ ((configs.revision() != null) ? " with configuration revision " + configs.revision() : ""));
		return instance;
	}

	/**
	 * Loads every plugin of a category, side by side; one that fails, or whose
	 * {@code configure} hangs, does not stop or delay the others.
	 * @param category the category
	 * @return the errors by unique id, empty when all loaded
	 * @throws IllegalArgumentException when the category is not registered or its manager
	 * is not a {@link PluginSystemManager}
	 */
	public Map<String, String> loadAll(String category) {
		manager(category);
		Map<String, Future<?>> loads = new LinkedHashMap<>();
		// As registered: the live metadata would ask the loaded instances for their resources.
		for (RegisteredPlugin plugin : this.registry.getRegistrations()) {
			if (plugin.metadata().category().equals(category)) {
				loads.put(plugin.uniqueId(), this.reloads.submit(plugin.uniqueId(), () -> load(plugin.uniqueId())));
			}
		}
		Map<String, String> errors = new LinkedHashMap<>();
		loads.forEach((uniqueId, load) -> {
			// A load's calls into the plugin are bounded; its constructor, as any bean's, is
			// not: a slow one (a model loaded in it) is waited for, as a start waits for beans.
			String error = PluginCalls.awaitLoad(load);
			if (error != null) {
				logger.log(System.Logger.Level.WARNING, "Plugin '" + uniqueId + "' failed to load: " + error);
				errors.put(uniqueId, error);
			}
		});
		return errors;
	}

	/**
	 * Unloads a plugin: {@code forceCleanup()} when it is lifecycle-aware, then the
	 * instance is dropped. A singleton bean stays in its application context.
	 * @param uniqueId the plugin's unique id
	 * @return true when an instance was loaded
	 * @throws IllegalArgumentException when no such plugin is registered, or its manager
	 * is not a {@link PluginSystemManager}
	 */
	public boolean unload(String uniqueId) {
		Target target = target(uniqueId);
		return this.observer.observe(PluginOperation.UNLOAD, uniqueId, target.category(), Map.of(), () -> {
			try (KeyedLocks.Held held = target.manager().lockLoads(target.name())) {
				this.applied.forget(uniqueId);
				return target.manager().unload(target.name(), calls(uniqueId, target.category()));
			}
		});
	}

	/**
	 * Discovers a category's plugins again, for a JAR added to its directory, replaced or
	 * removed: the category is registered again with its manager and display name. Loaded
	 * plugins that are still found from the same classes keep their instance; those found
	 * from new classes (a replaced JAR) are reloaded from them with their saved
	 * configuration, as {@link #load} does, a failure keeping the previous instance and
	 * recording the error; those no longer found are unloaded, and the failed loads of those
	 * never loaded are forgotten (their errors and applied entries). When the registry refuses
	 * the plugins found (a colliding id), the category keeps its plugins and instances, and
	 * the refusal is a registration failure until a rescan succeeds. The reloads and
	 * unloads run side by side, each plugin's a failure of its own; this waits for them at
	 * most twice the bound on plugin calls.
	 * <p>
	 * The discovery runs plugin code (a plugin class's static initializer, its
	 * {@code pluginDescriptor()}) on a bounded call, waited for at most twice the bound on
	 * plugin calls too: one that hangs fails this rescan with an
	 * {@link IllegalStateException}; it goes on, the category keeps its plugins meanwhile,
	 * and what it finds registers if it returns. The rescans of the category asked for while
	 * it hangs share one discovery that waits behind it, and fail after the same wait; once
	 * all of them have, that discovery is dropped, so that none runs for callers long gone.
	 * The manager and display name are read when the discovery starts, and what it finds
	 * registers only if the category still has that manager when it returns.
	 * @param category the category
	 * @return the registered plugins' metadata
	 * @throws IllegalArgumentException when the category is not registered or its manager
	 * is not a {@link PluginSystemManager}
	 * @throws IllegalStateException when the discovery has not returned in time, or the
	 * category was registered again with another manager while it ran
	 */
	public List<PluginMetadata> rescan(String category) {
		return rescan(category, true);
	}

	/** @param await whether to wait for the reloads and unloads, which a watcher does not */
	private List<PluginMetadata> rescan(String category, boolean await) {
		manager(category);
		// Discovery runs plugin code (a class's static initializer, its pluginDescriptor())
		// under the manager's lock: on a bounded call, so that one that hangs holds up no
		// caller longer than the bound. It reads the manager when it runs: the category may
		// have been registered again while it waited behind another.
		Rediscovery done = this.rescans.rescan(category, () -> rediscover(category), 2 * this.callTimeout.toNanos());
		if (await) {
			PluginCalls.awaitAll(done.started(), System.nanoTime() + 2 * this.callTimeout.toNanos());
		}
		return done.registered();
	}

	/** Discovers and registers a category again, and starts the reloads and unloads it calls for. */
	private Rediscovery rediscover(String category) {
		PluginSystemManager<?> manager = manager(category);
		String displayName = this.registry.getCategoryDisplayName(category);
		Map<String, PluginDefinition> before = manager.getDefinitions();
		// Registered only if the category still has this manager once the discovery is over:
		// one that took long puts back no manager that was replaced meanwhile.
		List<PluginMetadata> registered = manager.rediscover(() -> this.registry
			.reregisterPluginManager(category, manager, displayName)
			.orElseThrow(() -> new IllegalStateException("Plugin category '" + category + "' was registered again, with"
					+ " another manager, while this rescan discovered its plugins; what it found is dropped")));
		List<Future<?>> started = new ArrayList<>();
		for (String name : manager.requestedButGone()) {
			started.add(this.reloads.submit(category + "_" + name, () -> unloadGone(category, manager, name)));
		}
		started.addAll(reloadReplaced(category, manager, before));
		return new Rediscovery(registered, started);
	}

	/**
	 * Unloads a plugin that the last discovery no longer found, or forgets its failed load,
	 * unless a later discovery found it again.
	 */
	private boolean unloadGone(String category, PluginSystemManager<?> manager, String name) {
		String uniqueId = category + "_" + name;
		return this.observer.observe(PluginOperation.UNLOAD, uniqueId, category, Map.of(), () -> {
			try (KeyedLocks.Held held = manager.lockLoads(name)) {
				if (!manager.requestedButGone().contains(name)) {
					return false;
				}
				this.applied.forget(uniqueId);
				return manager.unload(name, calls(uniqueId, category));
			}
		});
	}

	/**
	 * Rescans a category by itself whenever its directory of JARs changes: a JAR added,
	 * replaced (moved or copied over) or removed is {@linkplain #rescan rescanned} once the
	 * directory has been still for half the check interval (at most 500 ms), so that a JAR
	 * is not read while it is copied. Changes are told by the file system's events and,
	 * since some file systems lose them, by comparing the directory's listing at each check
	 * interval. Rescans run on a daemon thread of the watcher's; it stops when closed, when
	 * this lifecycle is, or when the manager is.
	 * @param category a category whose manager is a {@link JarDirectoryPluginManager}
	 * @param checkInterval how often the directory's listing is compared
	 * @return the watcher
	 * @throws IllegalArgumentException when the category is not registered or its manager
	 * is not a {@link JarDirectoryPluginManager}
	 */
	public JarDirectoryWatcher watch(String category, Duration checkInterval) {
		PluginSystemManager<?> manager = manager(category);
		if (!(manager instanceof JarDirectoryPluginManager<?> jars)) {
			throw new IllegalArgumentException("Only a directory of JARs can be watched; the manager of category '"
					+ category + "' is a " + manager.getClass().getName());
		}
		JarDirectoryWatcher watcher = jars.watch(category, checkInterval, () -> rescan(category, false));
		this.watchers.removeIf(JarDirectoryWatcher::isClosed);
		this.watchers.add(watcher);
		return watcher;
	}

	/**
	 * Why the last load or reload of a plugin failed.
	 * @param uniqueId the plugin's unique id
	 * @return the error, or empty when none, or the plugin is not one of a
	 * {@link PluginSystemManager}
	 */
	public Optional<String> getLoadError(String uniqueId) {
		Target target = find(uniqueId);
		return (target != null) ? target.manager().getLoadError(target.name()) : Optional.empty();
	}

	/** {@return where each load's revision or error, and each unload, is recorded} */
	public AppliedRevisions getAppliedRevisions() {
		return this.applied;
	}

	/**
	 * Stops following configuration changes and checking saves; loaded plugins stay
	 * loaded.
	 */
	@Override
	public void close() {
		this.watchers.forEach(JarDirectoryWatcher::close);
		this.registry.removeChangeListener(this.listener);
		this.registry.removeConfigValidator(this.validator);
		// A reload under way finishes, or its instance is cleaned up: bounded, as before.
		long deadline = System.nanoTime() + CLOSE_GRACE.toNanos();
		this.reloads.close(CLOSE_GRACE);
		this.calls.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
	}

	private void onChange(PluginConfigChange change) {
		Target target = find(change.uniqueId());
		if (target == null || !target.manager().isLoadRequested(target.name())) {
			return;
		}
		this.reloads.submit(change.uniqueId(), () -> {
			try {
				load(change.uniqueId(), change.revision(), PluginOperation.RELOAD);
			}
			catch (RuntimeException ex) {
				logger.log(System.Logger.Level.WARNING, "Reloading plugin '" + change.uniqueId()
						+ "' after its configuration changed failed; the previous instance stays loaded", ex);
			}
			return null;
		});
	}

	/** Starts the reloads of the plugins asked to load that the last discovery found in new classes. */
	private List<Future<?>> reloadReplaced(String category, PluginSystemManager<?> manager,
			Map<String, PluginDefinition> before) {
		List<Future<?>> started = new ArrayList<>();
		manager.getDefinitions().forEach((name, definition) -> {
			PluginDefinition previous = before.get(name);
			String uniqueId = category + "_" + name;
			if (previous != null && previous.implementation() != definition.implementation()
					&& manager.isLoadRequested(name)) {
				started.add(this.reloads.submit(uniqueId, () -> {
					try {
						return load(uniqueId, this.registry.getKnownRevision(uniqueId).orElse(null), PluginOperation.RELOAD);
					}
					catch (RuntimeException ex) {
						logger.log(System.Logger.Level.WARNING,
								"Reloading plugin '" + uniqueId + "' from its replaced JAR failed: " + ex.getMessage(), ex);
						throw ex;
					}
				}));
			}
		});
		return started;
	}

	private PluginCalls calls(String uniqueId, String category) {
		return new PluginCalls(this.calls, this.callTimeout, this.observer, uniqueId, category);
	}

	private Target target(String uniqueId) {
		Objects.requireNonNull(uniqueId, "uniqueId must not be null");
		PluginMetadata plugin = this.registry.getRegisteredPlugin(uniqueId)
			.orElseThrow(() -> new IllegalArgumentException("No plugin '" + uniqueId + "' is registered"));
		return new Target(manager(plugin.category()), plugin.name(), plugin.category());
	}

	private @Nullable Target find(String uniqueId) {
		PluginMetadata plugin = this.registry.getRegisteredPlugin(uniqueId).orElse(null);
		if (plugin == null) {
			return null;
		}
		return (this.registry.getManager(plugin.category()).orElse(null) instanceof PluginSystemManager<?> manager)
				? new Target(manager, plugin.name(), plugin.category()) : null;
	}

	private PluginSystemManager<?> manager(String category) {
		Objects.requireNonNull(category, "category must not be null");
		Object manager = this.registry.getManager(category)
			.orElseThrow(() -> new IllegalArgumentException("No plugin category '" + category + "' is registered"));
		if (manager instanceof PluginSystemManager<?> system) {
			return system;
		}
		throw new IllegalArgumentException("The manager of category '" + category + "' ("
				+ manager.getClass().getName() + ") loads its own plugins; only a PluginSystemManager's are loaded here");
	}

	private record Target(PluginSystemManager<?> manager, String name, String category) {
	}

	/** What a rescan registered, and the reloads and unloads it started. */
	record Rediscovery(List<PluginMetadata> registered, List<Future<?>> started) {
	}

}
