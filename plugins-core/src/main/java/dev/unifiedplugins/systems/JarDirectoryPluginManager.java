package dev.unifiedplugins.systems;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

import org.jspecify.annotations.Nullable;

/**
 * The plugins in a directory of JARs: each JAR gets its own {@link URLClassLoader}, whose
 * parent is the application's class loader, and its implementations of the plugin
 * interface are found with {@link java.util.ServiceLoader} on that loader.
 * <p>
 * A JAR that cannot be read, or whose services file names a missing class, is that JAR's
 * failure in {@link #getDiscoveryFailures()}, named by its file name; the other JARs
 * register. A JAR added later is found when the category is discovered again
 * ({@link PluginLifecycle#rescan(String)} or a restart); classes already loaded are never
 * replaced in place.
 * <p>
 * A JAR is known by its content (a SHA-256 of the file, read at each discovery), not by
 * its size and modification time: a JAR whose content changed gets a new class loader at
 * the next discovery, even when copied with its old time ({@code cp -p}). The old loader
 * is closed, and can be collected, once nothing loaded from it remains: the plugins
 * discovered from it were discovered again from the new JAR, and its loaded instances
 * were reloaded or unloaded (a rescan unloads those of a removed JAR). Until then loaded
 * instances keep running on the old JAR, still open even once deleted. Replace a JAR by
 * moving a new file over it rather than rewriting it in place, which changes the file
 * under a loader still open.
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

	private static final String SERVICES = "META-INF/services/";

	private final Path directory;

	private final ClassLoader parent;

	/** By JAR, the loader of its content as last discovered. */
	private final Map<Path, JarClassLoader> current = new ConcurrentHashMap<>();

	/** Every loader not closed yet: the current ones and older ones still in use. */
	private final Set<JarClassLoader> open = ConcurrentHashMap.newKeySet();

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
		Set<Path> seen = new HashSet<>();
		for (Path jar : jars()) {
			Path path = jar.toAbsolutePath().normalize();
			seen.add(path);
			String source = jar.getFileName().toString();
			try {
				JarClassLoader loader = loader(path);
				// A provider class the parent also has is the application's, not this JAR's.
				found.addAll(ServiceLoaderPluginManager.find(getPluginType(), loader,
						(type) -> type.getClassLoader() == loader, source, failures));
			}
			catch (IOException | RuntimeException ex) {
				failures.put(source, PluginSystemManager.describe(ex));
			}
		}
		// A removed JAR's loader is closed once nothing of it is in use.
		this.current.keySet().retainAll(seen);
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

	/** The loader of the JAR's content: the current one when the content is the same. */
	private JarClassLoader loader(Path jar) throws IOException {
		byte[] digest;
		try {
			digest = digest(jar);
		}
		catch (IOException | RuntimeException ex) {
			this.current.remove(jar);
			throw ex;
		}
		JarClassLoader existing = this.current.get(jar);
		if (existing != null && existing.holds(digest)) {
			return existing;
		}
		// The old content's loader is closed once nothing of it is in use.
		this.current.remove(jar);
		// Hashed before it is opened: should the file change in between, the next discovery
		// sees another content and makes another loader.
		JarClassLoader loader = JarClassLoader.open(jar, digest, this.parent);
		// Current before open, so that a release under way never takes it for unused.
		this.current.put(jar, loader);
		this.open.add(loader);
		return loader;
	}

	private static byte[] digest(Path jar) throws IOException {
		MessageDigest digest;
		try {
			digest = MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
		}
		byte[] buffer = new byte[64 * 1024];
		try (InputStream in = Files.newInputStream(jar)) {
			for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
				digest.update(buffer, 0, read);
			}
		}
		return digest.digest();
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
	 * Closes every JAR's class loader: loaded plugins may fail to load classes after this.
	 */
	@Override
	public void close() throws IOException {
		IOException failure = null;
		this.current.clear();
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

	/**
	 * One JAR's loader. Classes come from the parent first, as usual; services files come
	 * from the JAR only, so that the application's own providers, and their errors, are
	 * not taken for this JAR's. The JAR's own resources are read through the loader's
	 * {@link JarFile}, opened on the same file as the class path's.
	 */
	private static final class JarClassLoader extends URLClassLoader {

		static {
			registerAsParallelCapable();
		}

		private final byte[] digest;

		private final JarEntries entries;

		private JarClassLoader(Path jar, URL url, JarFile file, byte[] digest, ClassLoader parent) {
			super("plugin-jar:" + jar.getFileName(), new URL[] { url }, parent);
			this.digest = digest;
			this.entries = new JarEntries(url, file);
		}

		/** Opens a JAR, saying why when it cannot be read (URLClassLoader would skip it). */
		static JarClassLoader open(Path jar, byte[] digest, ClassLoader parent) throws IOException {
			URL url = toUrl(jar);
			JarFile file = new JarFile(jar.toFile(), true, ZipFile.OPEN_READ, JarFile.runtimeVersion());
			try {
				file.getManifest();
				JarClassLoader loader = new JarClassLoader(jar, url, file, digest, parent);
				// The class path opens its JarFile at its first lookup: now, while the file is the
				// one just opened (both then share one open file).
				loader.findClassPathResource(JarFile.MANIFEST_NAME);
				return loader;
			}
			catch (IOException | RuntimeException ex) {
				file.close();
				throw ex;
			}
		}

		boolean holds(byte[] content) {
			return Arrays.equals(this.digest, content);
		}

		private void findClassPathResource(String name) {
			super.findResource(name);
		}

		@Override
		public Enumeration<URL> getResources(String name) throws IOException {
			return name.startsWith(SERVICES) ? findResources(name) : super.getResources(name);
		}

		@Override
		public @Nullable URL findResource(String name) {
			return this.entries.url(name);
		}

		@Override
		public Enumeration<URL> findResources(String name) {
			URL url = findResource(name);
			return (url != null) ? Collections.enumeration(List.of(url)) : Collections.emptyEnumeration();
		}

		@Override
		public void close() throws IOException {
			try {
				super.close();
			}
			finally {
				this.entries.close();
			}
		}

	}

	/**
	 * A JAR's entries as URLs read through one {@link JarFile}, never the JDK's cache of
	 * JAR URLs, which gives every loader of the same path the first file it opened. Holds no
	 * reference to the loader: a URL kept elsewhere does not keep the loader's classes.
	 */
	private static final class JarEntries {

		private final String base;

		private final JarFile file;

		private volatile boolean closed;

		JarEntries(URL jar, JarFile file) {
			this.base = jar.toExternalForm();
			this.file = file;
		}

		@Nullable URL url(String name) {
			if (this.closed) {
				return null;
			}
			try {
				if (this.file.getJarEntry(name) == null) {
					return null;
				}
				return new URL("jar", "", -1, this.base + "!/" + encode(name), new EntryHandler(this, name));
			}
			catch (IllegalStateException | MalformedURLException ex) {
				// Closed meanwhile, or a name no URL can carry.
				return null;
			}
		}

		InputStream open(String name) throws IOException {
			if (this.closed) {
				throw new IOException("The class loader of " + this.base + " is closed");
			}
			try {
				JarEntry entry = this.file.getJarEntry(name);
				if (entry == null) {
					throw new FileNotFoundException(name + " is not in " + this.base);
				}
				return this.file.getInputStream(entry);
			}
			catch (IllegalStateException ex) {
				throw new IOException("The class loader of " + this.base + " is closed", ex);
			}
		}

		void close() throws IOException {
			this.closed = true;
			this.file.close();
		}

		private static String encode(String name) {
			try {
				return new URI(null, null, "/" + name, null).getRawPath().substring(1);
			}
			catch (URISyntaxException ex) {
				return name;
			}
		}

	}

	/** Opens one entry of a {@link JarEntries}. */
	private static final class EntryHandler extends URLStreamHandler {

		private final JarEntries entries;

		private final String name;

		EntryHandler(JarEntries entries, String name) {
			this.entries = entries;
			this.name = name;
		}

		@Override
		protected URLConnection openConnection(URL url) {
			return new URLConnection(url) {

				@Override
				public void connect() {
					this.connected = true;
				}

				@Override
				public InputStream getInputStream() throws IOException {
					connect();
					return EntryHandler.this.entries.open(EntryHandler.this.name);
				}

			};
		}

	}

	private static URL toUrl(Path path) {
		try {
			return path.toUri().toURL();
		}
		catch (MalformedURLException ex) {
			throw new IllegalArgumentException("Plugin JAR " + path + " has no URL", ex);
		}
	}

}
