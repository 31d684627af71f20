package dev.unifiedplugins.systems;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

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

	/** The JARs in a directory. */
	static int jarCount(Path directory) throws IOException {
		try (Stream<Path> files = Files.list(directory)) {
			return (int) files.filter((file) -> file.toString().endsWith(".jar")).count();
		}
	}

}
