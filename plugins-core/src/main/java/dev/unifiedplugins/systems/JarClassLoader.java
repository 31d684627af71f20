package dev.unifiedplugins.systems;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.zip.ZipFile;

import org.jspecify.annotations.Nullable;

/**
 * One JAR's loader. Classes come from the parent first, as usual; services files come
 * from the JAR only, so that the application's own providers, and their errors, are
 * not taken for this JAR's. The JAR's own resources are read through the loader's
 * {@link JarFile}, opened on the same file as the class path's.
 */
final class JarClassLoader extends URLClassLoader {

	private static final String SERVICES = "META-INF/services/";

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

	/** The SHA-256 of a JAR's content, which tells one content from another. */
	static byte[] digest(Path jar) throws IOException {
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
