package dev.unifiedplugins.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The files this process has open, as Linux's {@code /proc/self/fd} lists them: for tests
 * that run an operation thousands of times and show that it leaves none open. Elsewhere
 * the calling test is skipped.
 */
public final class OpenFiles {

	private static final Path DESCRIPTORS = Path.of("/proc/self/fd");

	private OpenFiles() {
	}

	/** {@return how many files, sockets, pipes and inotify instances this process has open} */
	public static long count() {
		try (Stream<Path> descriptors = list()) {
			return descriptors.count();
		}
	}

	/**
	 * Counts the open files under a directory, deleted ones included.
	 * @param directory the directory
	 * @return how many descriptors lead there
	 */
	public static int under(Path directory) {
		String prefix = realPath(directory) + "/";
		int count = 0;
		try (Stream<Path> descriptors = list()) {
			for (Path descriptor : descriptors.toList()) {
				try {
					if (Files.readSymbolicLink(descriptor).toString().startsWith(prefix)) {
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

	private static Stream<Path> list() {
		assumeThat(Files.isDirectory(DESCRIPTORS)).as("/proc/self/fd exists").isTrue();
		try {
			return Files.list(DESCRIPTORS);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static Path realPath(Path directory) {
		try {
			return directory.toRealPath();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
