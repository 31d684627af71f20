package dev.unifiedplugins.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link DirectoryWatch}: a directory that cannot be watched leaves nothing open, however
 * often it is tried, since on Linux each try takes an inotify instance (a user has 128 by
 * default), open files and a thread.
 */
class DirectoryWatchTests {

	private static final Path OPEN_FILES = Path.of("/proc/self/fd");

	@TempDir
	Path dir;

	@Test
	void aDirectoryThatCannotBeWatchedLeavesNoWatchServiceOpenAfterThousandsOfTries() throws IOException {
		assumeTrue(Files.isDirectory(OPEN_FILES), "open files cannot be counted here");
		// A watch service is made for it, and then registering it fails.
		Path notADirectory = Files.writeString(this.dir.resolve("plugins.json"), "{}");
		long files = openFiles();
		int threads = Thread.activeCount();
		for (int i = 0; i < 2_000; i++) {
			assertThatExceptionOfType(UncheckedIOException.class)
				.isThrownBy(() -> new DirectoryWatch(notADirectory, ".json", "plugins-test-watch", () -> {
				}))
				.withMessageContaining("Cannot watch directory " + notADirectory);
		}
		assertThat(openFiles()).isLessThanOrEqualTo(files + 5);
		assertThat(Thread.activeCount()).isLessThanOrEqualTo(threads + 2);
		try (DirectoryWatch watch = new DirectoryWatch(this.dir, ".json", "plugins-test-watch", () -> {
		})) {
			assertThat(openFiles()).isGreaterThan(files);
		}
	}

	private static long openFiles() throws IOException {
		try (Stream<Path> files = Files.list(OPEN_FILES)) {
			return files.count();
		}
	}

}
