package dev.unifiedplugins.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.unifiedplugins.testsupport.Await;
import dev.unifiedplugins.testsupport.OpenFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link DirectoryWatch}: neither a watch closed nor a directory that cannot be watched
 * leaves anything open, however often it is tried, since on Linux each watch takes an
 * inotify instance (a user has 128 by default), open files and threads.
 */
class DirectoryWatchTests {

	@TempDir
	Path dir;

	@Test
	void aDirectoryThatCannotBeWatchedLeavesNoWatchServiceOpenAfterThousandsOfTries() throws IOException {
		// A watch service is made for it, and then registering it fails.
		Path notADirectory = Files.writeString(this.dir.resolve("plugins.json"), "{}");
		long files = OpenFiles.count();
		int threads = Thread.activeCount();
		for (int i = 0; i < 2_000; i++) {
			assertThatExceptionOfType(UncheckedIOException.class)
				.isThrownBy(() -> new DirectoryWatch(notADirectory, ".json", "plugins-test-watch", () -> {
				}))
				.withMessageContaining("Cannot watch directory " + notADirectory);
		}
		assertThat(OpenFiles.count()).isLessThanOrEqualTo(files + 5);
		assertThat(Thread.activeCount()).isLessThanOrEqualTo(threads + 2);
		try (DirectoryWatch watch = new DirectoryWatch(this.dir, ".json", "plugins-test-watch", () -> {
		})) {
			assertThat(OpenFiles.count()).isGreaterThan(files);
		}
	}

	@Test
	void watchesStartedAndClosedThousandsOfTimesLeaveNoFileOrThreadBehind() {
		long files = OpenFiles.count();
		int threads = Thread.activeCount();
		for (int i = 0; i < 1_000; i++) {
			new DirectoryWatch(this.dir, ".json", "plugins-test-watch", () -> {
			}).close();
		}
		// A closed watch's threads end by themselves, just after close() returns.
		Await.until("the closed watches' threads end", () -> Thread.activeCount() <= threads);
		assertThat(OpenFiles.count()).isLessThanOrEqualTo(files + 5);
	}

}
