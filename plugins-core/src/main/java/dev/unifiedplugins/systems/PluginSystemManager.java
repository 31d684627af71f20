package dev.unifiedplugins.systems;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.unifiedplugins.concurrent.KeyedLocks;
import dev.unifiedplugins.config.PluginIds;
import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.core.PluginManager;
import org.jspecify.annotations.Nullable;

/**
 * Base of the ready-made managers: plugins are described from their classes without
 * being instantiated, and loaded only through a {@link PluginLifecycle}.
 * {@link #getPlugin(String)} returns the loaded instance, never loads one.
 * <p>
 * A plugin that cannot be described (a missing class, a broken JAR, an illegal or taken
 * name, a name that makes an illegal unique id in the {@linkplain #setCategory category})
 * is left out and reported by {@link #getDiscoveryFailures()}; the others register.
 * <p>
 * After each discovery, load and unload, {@link #releaseClassLoaders(Set)} is told which
 * class loaders are still in use, for a manager that creates its own to close the others.
 *
 * @param <T> the plugin interface
 */
public abstract class PluginSystemManager<T> implements PluginManager {

	private static final System.Logger logger = System.getLogger(PluginSystemManager.class.getName());

	private final Class<T> pluginType;

	private @Nullable String category;

	private @Nullable String displayName;

	private volatile Map<String, Candidate<T>> candidates = Map.of();

	private volatile Map<String, String> discoveryFailures = Map.of();

	/** The loaded instances, each with the config class it was configured with. */
	private final Map<String, Loaded<T>> loaded = new ConcurrentHashMap<>();

	private final Map<String, String> loadErrors = new ConcurrentHashMap<>();

	/** Each plugin's load lock, kept only while a load or unload holds or waits for it. */
	private final KeyedLocks locks = new KeyedLocks();

	/** What each loaded instance was created from, kept until the instance is cleaned up. */
	private final Map<String, Candidate<T>> loadedFrom = new ConcurrentHashMap<>();

	/** The candidates of loads, and of cleanups, under way, by a token of each. */
	private final Map<Object, Candidate<T>> loading = new ConcurrentHashMap<>();

	/** What a rediscovery under way would put back if the registry refused it. */
	private volatile @Nullable Map<String, Candidate<T>> rollback;

	/** Orders the reading of the loaders in use with the reading of a candidate to load. */
	private final Object releaseLock = new Object();

	/**
	 * Creates a manager.
	 * @param pluginType the interface its plugins implement
	 */
	protected PluginSystemManager(Class<T> pluginType) {
		this.pluginType = Objects.requireNonNull(pluginType, "pluginType must not be null");
	}

	/**
	 * Finds the plugins, creating none.
	 * @param failures where to report, by source (a class or JAR name), what could not be
	 * described
	 * @return the plugins found
	 */
	protected abstract List<Candidate<T>> findPlugins(Map<String, String> failures);

	@Override
	public final synchronized List<PluginDescriptor> discoverPlugins() {
		Map<String, String> failures = new LinkedHashMap<>();
		Map<String, Candidate<T>> byName = new LinkedHashMap<>();
		for (Candidate<T> candidate : findPlugins(failures)) {
			String name = candidate.definition().descriptor().name();
			try {
				PluginIds.requireValid(name, "plugin name");
				if (this.category != null) {
					PluginIds.requireValid(this.category + "_" + name, "unique id");
				}
			}
			catch (IllegalArgumentException ex) {
				// One plugin's bad name is its own failure, not its whole category's.
				failures.put(candidate.source(), ex.getMessage());
				continue;
			}
			Candidate<T> taken = byName.putIfAbsent(name, candidate);
			if (taken != null) {
				failures.put(candidate.source(),
						"plugin name '" + name + "' is already taken by " + taken.source());
			}
		}
		failures.forEach((source, error) -> logger.log(System.Logger.Level.WARNING,
				"Plugin source " + source + " of " + this.pluginType.getName() + " left out: " + error));
		this.candidates = Collections.unmodifiableMap(byName);
		this.discoveryFailures = Collections.unmodifiableMap(failures);
		release();
		return byName.values().stream().map((candidate) -> candidate.definition().descriptor()).toList();
	}

	/**
	 * Told, after each discovery, load and unload, which class loaders the plugins of this
	 * manager still use: those of the plugins found by the last discovery (and, while a
	 * rediscovery is under way, of the previous one), of the loaded instances and of the
	 * loads under way. A manager that creates class loaders closes the others here; a
	 * loader it does not report again is not asked for again by this manager. Called under
	 * a lock that a load takes briefly to pick its candidate: close files here, call no
	 * plugin.
	 * @param inUse the class loaders in use
	 */
	protected void releaseClassLoaders(Set<ClassLoader> inUse) {
	}

	private void release() {
		synchronized (this.releaseLock) {
			Set<ClassLoader> inUse = new HashSet<>();
			addLoaders(inUse, this.candidates.values());
			Map<String, Candidate<T>> rollback = this.rollback;
			if (rollback != null) {
				addLoaders(inUse, rollback.values());
			}
			addLoaders(inUse, this.loading.values());
			addLoaders(inUse, this.loadedFrom.values());
			for (Loaded<T> plugin : this.loaded.values()) {
				inUse.add(plugin.instance().getClass().getClassLoader());
			}
			inUse.remove(null);
			releaseClassLoaders(inUse);
		}
	}

	private static void addLoaders(Set<ClassLoader> loaders, Collection<? extends Candidate<?>> candidates) {
		for (Candidate<?> candidate : candidates) {
			loaders.add(candidate.definition().implementation().getClassLoader());
			Class<?> configClass = candidate.definition().configClass();
			if (configClass != null) {
				loaders.add(configClass.getClassLoader());
			}
		}
	}

	/**
	 * The loaded instance; loads nothing.
	 * @param name the plugin's name
	 * @return the instance, or empty when it is not loaded
	 */
	@Override
	public final Optional<Object> getPlugin(String name) {
		return Optional.ofNullable(this.loaded.get(name)).map(Loaded::instance);
	}

	/**
	 * The loaded instance, typed; loads nothing.
	 * @param name the plugin's name
	 * @return the instance, or empty when it is not loaded
	 */
	public Optional<T> getLoadedPlugin(String name) {
		return Optional.ofNullable(this.loaded.get(name)).map(Loaded::instance);
	}

	/**
	 * The loaded instance with the config class it was configured with; loads nothing.
	 * @param name the plugin's name
	 * @return the two, or null when it is not loaded
	 */
	@Nullable Loaded<T> getLoaded(String name) {
		return this.loaded.get(name);
	}

	/**
	 * Why the last load or reload of a plugin failed.
	 * @param name the plugin's name
	 * @return the error, or empty when the last one succeeded or none was tried
	 */
	public Optional<String> getLoadError(String name) {
		return Optional.ofNullable(this.loadErrors.get(name));
	}

	/**
	 * What the last discovery left out, by source (a class or JAR name), with the reason.
	 * @return the failures, empty when everything was described
	 */
	public Map<String, String> getDiscoveryFailures() {
		return this.discoveryFailures;
	}

	/**
	 * The interface this manager's plugins implement.
	 * @return the plugin interface
	 */
	public Class<T> getPluginType() {
		return this.pluginType;
	}

	/**
	 * The plugins found by the last discovery.
	 * @return the definitions by name, in discovery order
	 */
	public Map<String, PluginDefinition> getDefinitions() {
		Map<String, PluginDefinition> definitions = new LinkedHashMap<>();
		this.candidates.forEach((name, candidate) -> definitions.put(name, candidate.definition()));
		return Collections.unmodifiableMap(definitions);
	}

	@Override
	public @Nullable String category() {
		return this.category;
	}

	/**
	 * Sets the category this manager registers as; without one, Spring uses the bean name.
	 * @param category the category
	 */
	public void setCategory(@Nullable String category) {
		this.category = category;
	}

	@Override
	public @Nullable String displayName() {
		return this.displayName;
	}

	/**
	 * Sets the category's display name.
	 * @param displayName the display name
	 */
	public void setDisplayName(@Nullable String displayName) {
		this.displayName = displayName;
	}

	/**
	 * Takes the lock each load and unload of a plugin holds: a caller that holds it around a
	 * load or unload sees the outcomes of a plugin's loads in their order. Reentrant; held
	 * across plugin code by the loads themselves, so a caller adds only work that returns at
	 * once.
	 * @return the held lock, to close
	 */
	KeyedLocks.Held lockLoads(String name) {
		return this.locks.lock(name);
	}

	/** {@return how many plugins have a load lock now: those a load or unload holds or waits for} */
	int loadLocks() {
		return this.locks.size();
	}

	/** Whether a load was asked for: the plugin is loaded, or its last load failed. */
	boolean isLoadRequested(String name) {
		return this.loaded.containsKey(name) || this.loadErrors.containsKey(name);
	}

	/**
	 * Creates and configures a plugin, then puts it in place of the previous instance,
	 * which is cleaned up unless it is the same object (a singleton bean reconfigured).
	 * {@code configure} and {@code forceCleanup} run through {@code calls}, bounded in time.
	 * @param configs binds the plugin's configuration to its config class
	 */
	T load(String uniqueId, String name, Function<Class<?>, Object> configs, PluginCalls calls) {
		try (KeyedLocks.Held held = lockLoads(name)) {
			Candidate<T> candidate;
			Runnable loadOver;
			synchronized (this.releaseLock) {
				// Once picked, its class loader stays in use until the load is over.
				candidate = this.candidates.get(name);
				loadOver = hold(candidate);
			}
			try {
				if (candidate == null) {
					throw new IllegalArgumentException("Plugin '" + uniqueId + "' was not found by the last discovery");
				}
				return loadFrom(uniqueId, name, candidate, configs, calls);
			}
			finally {
				loadOver.run();
			}
		}
	}

	private T loadFrom(String uniqueId, String name, Candidate<T> candidate, Function<Class<?>, Object> configs,
			PluginCalls calls) {
		T previous = getLoadedPlugin(name).orElse(null);
		T created = null;
		Class<?> configClass = candidate.definition().configClass();
		try {
			Object config = (configClass != null) ? configs.apply(configClass) : null;
			created = Objects.requireNonNull(candidate.factory().get(), "the plugin factory returned null");
			if (!this.pluginType.isInstance(created)) {
				throw new IllegalStateException(created.getClass().getName() + " is not a " + this.pluginType.getName());
			}
			if (created instanceof ConfigurablePlugin<?> configurable) {
				if (config == null) {
					throw new IllegalStateException(created.getClass().getName()
							+ " is a ConfigurablePlugin but declares no config class");
				}
				T configuring = created;
				// A configure that fails cleans its instance up itself.
				created = null;
				calls.configure(configurable, config, configuring != previous, () -> hold(candidate));
				created = configuring;
			}
		}
		catch (RuntimeException | Error ex) {
			if (ex instanceof VirtualMachineError fatal) {
				throw fatal;
			}
			// Whatever the plugin threw (a NoClassDefFoundError, an AssertionError) is its own failure.
			if (created != null && created != previous) {
				calls.cleanUp(created, hold(candidate), true);
			}
			String error = PluginFailures.describe(ex);
			this.loadErrors.put(name, error);
			throw new PluginLoadException("Plugin '" + uniqueId + "' failed to load"
					+ ((previous != null) ? "; the previous instance stays loaded" : "") + ": " + error, ex);
		}
		// The previous instance's loader stays in use until it is cleaned up.
		Runnable cleanedUp = (previous != null && previous != created) ? hold(this.loadedFrom.get(name)) : null;
		this.loaded.put(name, new Loaded<>(created, configClass));
		this.loadedFrom.put(name, candidate);
		this.loadErrors.remove(name);
		if (cleanedUp != null) {
			calls.cleanUp(previous, cleanedUp, true);
		}
		return created;
	}

	/** Drops a plugin's instance, then runs its {@code forceCleanup()}; false when none was loaded. */
	boolean unload(String name, PluginCalls calls) {
		try (KeyedLocks.Held held = lockLoads(name)) {
			this.loadErrors.remove(name);
			Runnable cleanedUp = hold(this.loadedFrom.get(name));
			Loaded<T> removed = this.loaded.remove(name);
			this.loadedFrom.remove(name);
			if (removed == null) {
				cleanedUp.run();
				return false;
			}
			calls.cleanUp(removed.instance(), cleanedUp, true);
			return true;
		}
	}

	/**
	 * Keeps a candidate's class loader in use until the returned task runs, once, after the
	 * cleanup of an instance made from it: which may return long after its load or unload.
	 */
	private Runnable hold(@Nullable Candidate<T> candidate) {
		Object token = new Object();
		if (candidate != null) {
			synchronized (this.releaseLock) {
				this.loading.put(token, candidate);
			}
		}
		return () -> {
			this.loading.remove(token);
			release();
		};
	}

	/**
	 * Registers this manager's plugins again through {@code register}, which discovers them;
	 * when the registry refuses the new plugins, what the previous discovery found is put
	 * back, so that this manager and the registry still agree.
	 */
	synchronized <R> R rediscover(Supplier<R> register) {
		Map<String, Candidate<T>> candidates = this.candidates;
		Map<String, String> failures = this.discoveryFailures;
		synchronized (this.releaseLock) {
			this.rollback = candidates;
		}
		try {
			return register.get();
		}
		catch (UncheckedIOException ex) {
			// The store could not be read after the registry took the new plugins: keep them.
			throw ex;
		}
		catch (RuntimeException | Error ex) {
			this.candidates = candidates;
			this.discoveryFailures = failures;
			throw ex;
		}
		finally {
			synchronized (this.releaseLock) {
				this.rollback = null;
			}
			release();
		}
	}

	/**
	 * The names of the plugins asked to load (loaded, or whose last load failed) that the
	 * last discovery did not find: to unload, or to forget the failure of.
	 */
	List<String> requestedButGone() {
		Set<String> gone = new HashSet<>(this.loaded.keySet());
		gone.addAll(this.loadErrors.keySet());
		gone.removeAll(this.candidates.keySet());
		return new ArrayList<>(gone);
	}

	/**
	 * A loaded plugin.
	 *
	 * @param <T> the plugin interface
	 * @param instance the instance
	 * @param configClass the class its configuration was bound to, null when it takes none
	 */
	record Loaded<T>(T instance, @Nullable Class<?> configClass) {
	}

	/**
	 * One plugin found by discovery.
	 *
	 * @param <T> the plugin interface
	 * @param definition its description
	 * @param factory creates (or, for a singleton bean, returns) the instance
	 * @param source where it was found, for failures: a class, bean or JAR name
	 */
	protected record Candidate<T>(PluginDefinition definition, Supplier<? extends T> factory, String source) {

		public Candidate {
			Objects.requireNonNull(definition, "definition must not be null");
			Objects.requireNonNull(factory, "factory must not be null");
			Objects.requireNonNull(source, "source must not be null");
		}

	}

}
