package dev.unifiedplugins.systems;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Proofs that a plugin JAR's class loader was released: closed, collected, and its file no
 * longer open. Tests keep loaders in weak references only.
 */
final class ReleasedLoaders {

	private ReleasedLoaders() {
	}

	/** A closed URLClassLoader finds nothing more in its JAR; a collected one is closed. */
	static boolean isClosed(WeakReference<ClassLoader> reference) {
		ClassLoader loader = reference.get();
		return loader == null || ((URLClassLoader) loader).findResource("META-INF/services/"
				+ GreeterPlugin.class.getName()) == null;
	}

	/** Asserts that the loaders are collected, after a few garbage collections at most. */
	static void assertCollected(List<WeakReference<ClassLoader>> references) {
		for (int attempt = 0; attempt < 50 && references.stream().anyMatch((ref) -> ref.get() != null); attempt++) {
			System.gc();
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		assertThat(references.stream().filter((ref) -> ref.get() != null).count()).as("loaders not collected")
			.isZero();
	}

	/** Open files under a directory, deleted ones included (Linux's /proc). */
	static int openFilesUnder(Path directory) throws IOException {
		Path fds = Path.of("/proc/self/fd");
		assumeThat(Files.isDirectory(fds)).as("/proc/self/fd exists").isTrue();
		String prefix = directory.toRealPath() + "/";
		int count = 0;
		try (Stream<Path> links = Files.list(fds)) {
			for (Path link : links.toList()) {
				try {
					if (Files.readSymbolicLink(link).toString().startsWith(prefix)) {
						count++;
					}
				}
				catch (IOException ex) {
					// Closed since listed, as the listing's own descriptor is.
				}
			}
		}
		return count;
	}

	/** The JARs in a directory. */
	static int jarCount(Path directory) throws IOException {
		try (Stream<Path> files = Files.list(directory)) {
			return (int) files.filter((file) -> file.toString().endsWith(".jar")).count();
		}
	}

}
