package dev.unifiedplugins.systems;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The plugins in a directory of JARs: each JAR gets its own {@link URLClassLoader}, whose
 * parent is the application's class loader, and its implementations of the plugin
 * interface are found with {@link java.util.ServiceLoader} on that loader.
 * <p>
 * A JAR that cannot be read, or whose services file names a missing class, is that JAR's
 * failure in {@link #getDiscoveryFailures()}, named by its file name; the other JARs
 * register. A JAR added later is found when the category is discovered again
 * ({@link PluginLifecycle#rescan(String)} or a restart); classes already loaded are never
 * replaced in place. A JAR that changed on disk gets a new class loader at the next
 * discovery; the old one stays open, as loaded instances may still need it, until
 * {@link #close()}.
 *
 * @param <T> the plugin interface
 * @see java.util.ServiceLoader
 */
public class JarDirectoryPluginManager<T> extends PluginSystemManager<T> implements AutoCloseable {

	private static final String SERVICES = "META-INF/services/";

	private final Path directory;

	private final ClassLoader parent;

	private final Map<JarKey, URLClassLoader> loaders = new ConcurrentHashMap<>();

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

	@Override
	protected List<Candidate<T>> findPlugins(Map<String, String> failures) {
		List<Candidate<T>> found = new ArrayList<>();
		for (Path jar : jars()) {
			String source = jar.getFileName().toString();
			try {
				URLClassLoader loader = loader(jar);
				// A provider class the parent also has is the application's, not this JAR's.
				found.addAll(ServiceLoaderPluginManager.find(getPluginType(), loader,
						(type) -> type.getClassLoader() == loader, source, failures));
			}
			catch (IOException | RuntimeException ex) {
				failures.put(source, PluginSystemManager.describe(ex));
			}
		}
		return found;
	}

	private List<Path> jars() {
		if (!Files.isDirectory(this.directory)) {
			return List.of();
		}
		try (Stream<Path> files = Files.list(this.directory)) {
			return files.filter((file) -> file.getFileName().toString().endsWith(".jar") && Files.isRegularFile(file))
				.sorted()
				.toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot list plugin JARs in " + this.directory, ex);
		}
	}

	private URLClassLoader loader(Path jar) throws IOException {
		BasicFileAttributes attributes = Files.readAttributes(jar, BasicFileAttributes.class);
		JarKey key = new JarKey(jar.toAbsolutePath().normalize(), attributes.size(),
				attributes.lastModifiedTime().toMillis());
		URLClassLoader existing = this.loaders.get(key);
		if (existing != null) {
			return existing;
		}
		// URLClassLoader skips a JAR it cannot open without a word: open it first to say why.
		try (JarFile file = new JarFile(jar.toFile())) {
			file.getManifest();
		}
		return this.loaders.computeIfAbsent(key, (k) -> new JarClassLoader(jar, toUrl(k.path()), this.parent));
	}

	private static URL toUrl(Path path) {
		try {
			return path.toUri().toURL();
		}
		catch (MalformedURLException ex) {
			throw new IllegalArgumentException("Plugin JAR " + path + " has no URL", ex);
		}
	}

	/**
	 * Closes every JAR's class loader: loaded plugins may fail to load classes after this.
	 */
	@Override
	public void close() throws IOException {
		IOException failure = null;
		for (URLClassLoader loader : this.loaders.values()) {
			try {
				loader.close();
			}
			catch (IOException ex) {
				failure = ex;
			}
		}
		this.loaders.clear();
		if (failure != null) {
			throw failure;
		}
	}

	/**
	 * One JAR's loader. Classes come from the parent first, as usual; services files come
	 * from the JAR only, so that the application's own providers, and their errors, are
	 * not taken for this JAR's.
	 */
	private static final class JarClassLoader extends URLClassLoader {

		static {
			registerAsParallelCapable();
		}

		JarClassLoader(Path jar, URL url, ClassLoader parent) {
			super("plugin-jar:" + jar.getFileName(), new URL[] { url }, parent);
		}

		@Override
		public Enumeration<URL> getResources(String name) throws IOException {
			return name.startsWith(SERVICES) ? findResources(name) : super.getResources(name);
		}

	}

	/** A JAR as it was on disk: a changed file is another key, so another loader. */
	private record JarKey(Path path, long size, long lastModified) {
	}

}
