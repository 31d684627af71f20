package dev.unifiedplugins.systems;

import java.io.IOException;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarFile;

import org.jspecify.annotations.Nullable;

/**
 * The plugins in a directory of JARs: each JAR gets its own {@link URLClassLoader}, whose
 * parent is the application's class loader, and its implementations of the plugin
 * interface are found with {@link java.util.ServiceLoader} on that loader.
 * <p>
 * A JAR that cannot be read, or whose services file names a missing class, is that JAR's
 * failure in {@link #getDiscoveryFailures()}, named by its file name; the other JARs
 * register. A JAR that could be read before and cannot now (being copied, or broken) keeps
 * the plugins of its last readable content until it can. A JAR added later is found when
 * the category is discovered again ({@link PluginLifecycle#rescan(String)}, a restart, or
 * by itself once {@linkplain PluginLifecycle#watch(String, Duration) watched}); classes
 * already loaded are never replaced in place.
 * <p>
 * A JAR is known by its content (a SHA-256 of the file, read at each discovery), not by
 * its size and modification time: a JAR whose content changed gets a new class loader at
 * the next discovery, even when copied with its old time ({@code cp -p}), and a rescan
 * reloads its loaded plugins from it. The old loader is closed, and can be collected,
 * once nothing loaded from it remains: the plugins discovered from it were discovered
 * again from the new JAR, and its loaded instances were reloaded or unloaded (a rescan
 * unloads those of a removed JAR). Until then (a reload that fails keeps the previous
 * instance) loaded instances keep running on the old JAR, still open even once deleted.
 * Replace a JAR by moving a new file over it rather than rewriting it in place, which
 * changes the file under a loader still open.
 * <p>
 * Each loader reads its resources through a {@link JarFile} of its own, opened with the
 * loader: {@link ClassLoader#getResource(String)} and
 * {@link ClassLoader#getResourceAsStream(String)} give the content of the JAR the loader
 * was made from, never that of an older or newer file at the same path, and the JDK's
 * cache of JAR URLs is not used.
 *
 * @param <T> the plugin interface
 * @see java.util.ServiceLoader
 */
public class JarDirectoryPluginManager<T> extends PluginSystemManager<T> implements AutoCloseable {

	private static final System.Logger logger = System.getLogger(JarDirectoryPluginManager.class.getName());

	private final Path directory;

	private final ClassLoader parent;

	/** By JAR, the loader of its content as last discovered. */
	private final Map<Path, JarClassLoader> current = new ConcurrentHashMap<>();

	/** Every loader not closed yet: the current ones and older ones still in use. */
	private final Set<JarClassLoader> open = ConcurrentHashMap.newKeySet();

	/** By JAR, the plugins found in it when it was last read. */
	private final Map<Path, List<Candidate<T>>> lastFound = new ConcurrentHashMap<>();

	/** The directory as the last discovery began to read it. */
	private volatile @Nullable JarDirectoryState discovered;

	private final Set<JarDirectoryWatcher> watchers = ConcurrentHashMap.newKeySet();

	/**
	 * Creates a manager whose JARs see the plugin interface's class loader.
	 * @param pluginType the plugin interface
	 * @param directory the directory of JARs; a missing one holds no plugins
	 */
	public JarDirectoryPluginManager(Class<T> pluginType, Path directory) {
		this(pluginType, directory, pluginType.getClassLoader());
	}

	/**
	 * Creates a manager.
	 * @param pluginType the plugin interface
	 * @param directory the directory of JARs; a missing one holds no plugins
	 * @param parent the parent of each JAR's class loader, the application's
	 */
	public JarDirectoryPluginManager(Class<T> pluginType, Path directory, ClassLoader parent) {
		super(pluginType);
		this.directory = Objects.requireNonNull(directory, "directory must not be null");
		this.parent = Objects.requireNonNull(parent, "parent must not be null");
	}

	/**
	 * The directory of JARs.
	 * @return the directory
	 */
	public Path getDirectory() {
		return this.directory;
	}

	/**
	 * Starts watching the directory, as {@link PluginLifecycle#watch(String, Duration)} does;
	 * the watcher is closed with this manager.
	 */
	JarDirectoryWatcher watch(String category, Duration checkInterval, Runnable rescan) {
		JarDirectoryWatcher watcher = new JarDirectoryWatcher(this.directory, category, checkInterval,
				() -> this.discovered, rescan);
		this.watchers.removeIf(JarDirectoryWatcher::isClosed);
		this.watchers.add(watcher);
		return watcher;
	}

	@Override
	protected List<Candidate<T>> findPlugins(Map<String, String> failures) {
		// Read before the JARs: a change made while they are read shows as a change later.
		JarDirectoryState state = JarDirectoryState.read(this.directory);
		this.discovered = state;
		List<Candidate<T>> candidates = new ArrayList<>();
		Set<Path> seen = new HashSet<>();
		for (String source : state.jars().keySet()) {
			Path path = this.directory.resolve(source).toAbsolutePath().normalize();
			seen.add(path);
			try {
				JarClassLoader loader = loader(path);
				// A provider class the parent also has is the application's, not this JAR's.
				List<Candidate<T>> found = ServiceLoaderPluginManager.find(getPluginType(), loader,
						(type) -> type.getClassLoader() == loader, source, failures);
				this.lastFound.put(path, found);
				candidates.addAll(found);
			}
			catch (IOException | RuntimeException ex) {
				// Half-written, or broken: the plugins of its last readable content stay.
				List<Candidate<T>> previous = this.lastFound.get(path);
				failures.put(source, PluginFailures.describe(ex)
						+ ((previous != null) ? "; the plugins of its last readable content stay" : ""));
				if (previous != null) {
					candidates.addAll(previous);
				}
			}
		}
		// A removed JAR's loader is closed once nothing of it is in use.
		this.current.keySet().retainAll(seen);
		this.lastFound.keySet().retainAll(seen);
		return candidates;
	}

	/** The loader of the JAR's content: the current one when the content is the same. */
	private JarClassLoader loader(Path jar) throws IOException {
		byte[] digest = JarClassLoader.digest(jar);
		JarClassLoader existing = this.current.get(jar);
		if (existing != null && existing.holds(digest)) {
			return existing;
		}
		// Hashed before it is opened: should the file change in between, the next discovery
		// sees another content and makes another loader.
		JarClassLoader loader = JarClassLoader.open(jar, digest, this.parent);
		// Current before open, so that a release under way never takes it for unused. The old
		// content's loader is closed once nothing of it is in use.
		this.current.put(jar, loader);
		this.open.add(loader);
		return loader;
	}

	/**
	 * Closes the loaders of replaced and removed JARs that nothing uses any more.
	 */
	@Override
	protected void releaseClassLoaders(Set<ClassLoader> inUse) {
		for (JarClassLoader loader : this.open) {
			if (!inUse.contains(loader) && !this.current.containsValue(loader) && this.open.remove(loader)) {
				try {
					loader.close();
					logger.log(System.Logger.Level.DEBUG, () -> "Closed " + loader.getName()
							+ ", whose JAR was replaced or removed");
				}
				catch (IOException ex) {
					logger.log(System.Logger.Level.WARNING, "Cannot close " + loader.getName(), ex);
				}
			}
		}
	}

	/**
	 * Stops watching the directory, and closes every JAR's class loader: loaded plugins may
	 * fail to load classes after this.
	 */
	@Override
	public void close() throws IOException {
		this.watchers.forEach(JarDirectoryWatcher::close);
		this.watchers.clear();
		IOException failure = null;
		this.current.clear();
		this.lastFound.clear();
		for (JarClassLoader loader : this.open) {
			this.open.remove(loader);
			try {
				loader.close();
			}
			catch (IOException ex) {
				failure = ex;
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

}
