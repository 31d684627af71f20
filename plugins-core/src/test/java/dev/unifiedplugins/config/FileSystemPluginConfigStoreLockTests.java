package dev.unifiedplugins.config;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.unifiedplugins.testsupport.ForeignFileLock;
import dev.unifiedplugins.testsupport.OpenFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The file store's lock waits are bounded: another process that holds a plugin's lock file
 * (a Python process taking the documented {@code fcntl.lockf} lock) makes that plugin's
 * save and delete fail as busy after the lock timeout, with nothing written, while other
 * plugins are saved at once.
 */
class FileSystemPluginConfigStoreLockTests {

	private static final Duration LOCK_TIMEOUT = Duration.ofMillis(300);

	@TempDir
	Path dir;

	private ForeignFileLock holder;

	@AfterEach
	void releaseTheLock() throws Exception {
		if (this.holder != null) {
			this.holder.close();
		}
	}

	@Test
	void aPluginWhoseLockAnotherProcessHoldsIsBusyAndOthersAreNot() throws Exception {
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.dir,
				FileSystemPluginConfigStore.DEFAULT_MAX_CONFIG_SIZE, LOCK_TIMEOUT);
		store.save("llm_held", Map.of("v", 1));
		this.holder = ForeignFileLock.hold(this.dir, "llm_held");

		assertThatExceptionOfType(PluginConfigBusyException.class)
			.isThrownBy(() -> store.save("llm_held", Map.of("v", 2)))
			.withMessageContaining("'llm_held'")
			.withMessageContaining("plugins.lock-timeout")
			.satisfies((ex) -> assertThat(ex.getUniqueId()).isEqualTo("llm_held"));
		assertThatExceptionOfType(PluginConfigBusyException.class).isThrownBy(() -> store.delete("llm_held"));
		assertThat(store.load("llm_held")).contains(Map.of("v", 1));

		// Another plugin is not held up: its save is done while the other lock is still held.
		CompletableFuture.runAsync(() -> store.save("llm_free", Map.of("v", 3))).get(10, TimeUnit.SECONDS);
		assertThat(store.load("llm_free")).contains(Map.of("v", 3));
		assertThat(this.holder.isHeld()).isTrue();

		this.holder.close();
		store.save("llm_held", Map.of("v", 4));
		assertThat(store.load("llm_held")).contains(Map.of("v", 4));
	}

	@Test
	void aThreadWaitingForAnotherThreadOfTheSamePluginGivesUpAfterTheTimeout() throws Exception {
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.dir,
				FileSystemPluginConfigStore.DEFAULT_MAX_CONFIG_SIZE, LOCK_TIMEOUT);
		this.holder = ForeignFileLock.hold(this.dir, "llm_held");
		CompletableFuture<Throwable> first = CompletableFuture.supplyAsync(() -> catching("llm_held"));
		CompletableFuture<Throwable> second = CompletableFuture.supplyAsync(() -> catching("llm_held"));
		assertThat(first.get(10, TimeUnit.SECONDS)).isInstanceOf(PluginConfigBusyException.class);
		assertThat(second.get(10, TimeUnit.SECONDS)).isInstanceOf(PluginConfigBusyException.class);
		assertThat(Files.exists(this.dir.resolve("llm_held.json"))).isFalse();
	}

	private Throwable catching(String id) {
		try {
			new FileSystemPluginConfigStore(this.dir, FileSystemPluginConfigStore.DEFAULT_MAX_CONFIG_SIZE,
					LOCK_TIMEOUT).save(id, Map.of("v", 1));
			return null;
		}
		catch (RuntimeException ex) {
			return ex;
		}
	}


	@Test
	void neitherLockFilesNorLockStateOutliveTheirConfigurations() throws Exception {
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.dir,
				FileSystemPluginConfigStore.DEFAULT_MAX_CONFIG_SIZE, LOCK_TIMEOUT);
		for (int i = 0; i < 2_000; i++) {
			String id = "llm_plugin" + i;
			store.save(id, Map.of("v", i));
			assertThat(store.delete(id)).isTrue();
		}
		try (Stream<Path> left = Files.list(this.dir.resolve(".locks"))) {
			assertThat(left).isEmpty();
		}
		try (Stream<Path> left = Files.list(this.dir)) {
			// The history of each id, a save and a deletion, is kept on purpose.
			assertThat(left.map((path) -> path.getFileName().toString())
				.filter((name) -> !name.equals(".locks") && !name.equals(".history"))).isEmpty();
		}
		assertThat(store.history("llm_plugin1999")).extracting(ConfigRevision::deleted).containsExactly(true, false);
	}

	@Test
	void refusedAndFailedWritesOfThousandsOfPluginsLeaveNoLockFileTemporaryFileLockOrOpenFile() throws Exception {
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.dir,
				FileSystemPluginConfigStore.DEFAULT_MAX_CONFIG_SIZE, LOCK_TIMEOUT);
		long openFiles = OpenFiles.count();
		for (int i = 0; i < 2_000; i++) {
			String id = "llm_plugin" + i;
			assertThat(store.delete(id)).isFalse();
			assertThatIllegalArgumentException().isThrownBy(() -> store.save(id, Map.of("v", new Object())));
			assertThatExceptionOfType(PluginConfigConflictException.class)
				.isThrownBy(() -> store.save(id, Map.of("v", 1), ExpectedRevision.of("3")));
		}
		// Writes that fail in the file system, after their temporary file was flushed: a
		// directory where the config file goes.
		Files.writeString(Files.createDirectories(this.dir.resolve("llm_blocked.json")).resolve("keep.txt"), "keep");
		for (int i = 0; i < 100; i++) {
			assertThatExceptionOfType(UncheckedIOException.class)
				.isThrownBy(() -> store.save("llm_blocked", Map.of()));
		}
		FileSystemPluginConfigStore impatient = new FileSystemPluginConfigStore(this.dir,
				FileSystemPluginConfigStore.DEFAULT_MAX_CONFIG_SIZE, Duration.ofMillis(5));
		try (ForeignFileLock held = ForeignFileLock.hold(this.dir, "llm_held")) {
			for (int i = 0; i < 100; i++) {
				assertThatExceptionOfType(PluginConfigBusyException.class)
					.isThrownBy(() -> impatient.save("llm_held", Map.of("v", 1)));
			}
		}
		try (Stream<Path> left = Files.list(this.dir.resolve(".locks"))) {
			// The blocked plugin's lock guards what is at its path; the other process's is its own.
			assertThat(left.map((path) -> path.getFileName().toString())).containsOnly("llm_blocked.lock",
					"llm_held.lock");
		}
		try (Stream<Path> left = Files.list(this.dir)) {
			assertThat(left.map((path) -> path.getFileName().toString())).containsOnly(".locks", "llm_blocked.json");
		}
		assertThat(ConfigFileLocks.jvmLocks()).isZero();
		assertThat(OpenFiles.count()).isLessThanOrEqualTo(openFiles + 5);
	}

	@Test
	void aWriterThatWaitedForARemovedLockFileTakesTheNewOne() throws Exception {
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.dir,
				FileSystemPluginConfigStore.DEFAULT_MAX_CONFIG_SIZE, Duration.ofSeconds(20));
		store.save("llm_held", Map.of("v", 1));
		this.holder = ForeignFileLock.hold(this.dir, "llm_held");
		// Waits for the foreign process's lock on the file that is about to be removed.
		CompletableFuture<Void> save = CompletableFuture.runAsync(() -> store.save("llm_held", Map.of("v", 2)));
		Thread.sleep(300);
		assertThat(save).isNotDone();
		// The foreign process removes the lock file, as a delete does, and another takes the new one.
		Files.delete(this.dir.resolve(".locks").resolve("llm_held.lock"));
		try (ForeignFileLock newFile = ForeignFileLock.hold(this.dir, "llm_held")) {
			this.holder.close();
			// The old file is free now, but no longer the lock: the save waits for the new one.
			Thread.sleep(500);
			assertThat(save).isNotDone();
		}
		save.get(20, TimeUnit.SECONDS);
		assertThat(store.load("llm_held")).contains(Map.of("v", 2));
	}

}
