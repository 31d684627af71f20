package dev.unifiedplugins.core;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.unifiedplugins.concurrent.Listeners;
import dev.unifiedplugins.config.ExpectedRevision;
import dev.unifiedplugins.config.FileSystemPluginConfigStore;
import dev.unifiedplugins.config.PluginConfigBusyException;
import dev.unifiedplugins.config.PluginConfigChange;
import dev.unifiedplugins.testsupport.ForeignFileLock;
import dev.unifiedplugins.testsupport.MemoryStore;
import dev.unifiedplugins.testsupport.TestPluginManager;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link StoredRevisions}: a write of a plugin waits for another write of that plugin in
 * this registry at most the store's lock timeout ({@code plugins.lock-timeout}), so that
 * saves queued behind one that waits in the store do not wait one after another;
 * nothing is kept of a plugin that has no configuration stored; and a refresh does not
 * undo a write made while it read the store.
 */
class StoredRevisionsTests {

	private static final String HELD = "llm_held";

	@TempDir
	Path dir;

	private final CountDownLatch release = new CountDownLatch(1);

	/** A thread per save: the common pool may have fewer, which would queue the saves itself. */
	private final ExecutorService threads = Executors.newCachedThreadPool();

	private ForeignFileLock holder;

	@AfterEach
	void releaseEverything() throws Exception {
		this.release.countDown();
		this.threads.shutdownNow();
		if (this.holder != null) {
			this.holder.close();
		}
	}

	@Test
	void aSaveQueuedBehindAnotherSaveOfThePluginGivesUpAfterTheLockTimeout() throws Exception {
		CountDownLatch inStore = new CountDownLatch(1);
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.dir,
				FileSystemPluginConfigStore.DEFAULT_MAX_CONFIG_SIZE, Duration.ofMillis(300)) {

			@Override
			public String save(String uniqueId, Map<String, Object> config, ExpectedRevision expected) {
				if (inStore.getCount() > 0) {
					inStore.countDown();
					await(StoredRevisionsTests.this.release);
				}
				return super.save(uniqueId, config, expected);
			}

		};
		UnifiedPluginRegistry registry = registry(store);
		CompletableFuture<Boolean> first = CompletableFuture
			.supplyAsync(() -> registry.savePluginConfig(HELD, Map.of("v", 1)), this.threads);
		assertThat(inStore.await(10, TimeUnit.SECONDS)).isTrue();

		CompletableFuture<Boolean> second = CompletableFuture
			.supplyAsync(() -> registry.savePluginConfig(HELD, Map.of("v", 2)), this.threads);
		assertThat(catching(second)).isInstanceOf(PluginConfigBusyException.class)
			.hasMessageContaining("'" + HELD + "'")
			.satisfies((ex) -> assertThat(((PluginConfigBusyException) ex).getUniqueId()).isEqualTo(HELD));
		assertThat(first).isNotDone();

		this.release.countDown();
		assertThat(first.get(10, TimeUnit.SECONDS)).isTrue();
		assertThat(registry.loadPluginConfig(HELD)).containsEntry("v", 1);
		assertThat(registry.savePluginConfig(HELD, Map.of("v", 3))).isTrue();
	}

	@Test
	void savesQueuedBehindAProcessThatHoldsThePluginDoNotWaitOneAfterAnother() throws Exception {
		Duration lockTimeout = Duration.ofMillis(500);
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.dir,
				FileSystemPluginConfigStore.DEFAULT_MAX_CONFIG_SIZE, lockTimeout);
		UnifiedPluginRegistry registry = registry(store);
		this.holder = ForeignFileLock.hold(this.dir, HELD);
		List<CompletableFuture<Long>> saves = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			int value = i;
			saves.add(CompletableFuture.supplyAsync(() -> {
				long start = System.nanoTime();
				assertThatExceptionOfType(PluginConfigBusyException.class)
					.isThrownBy(() -> registry.savePluginConfig(HELD, Map.of("v", value)))
					.withMessageContaining("'" + HELD + "'");
				return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			}, this.threads));
		}
		long longest = 0;
		for (CompletableFuture<Long> save : saves) {
			longest = Math.max(longest, save.get(20, TimeUnit.SECONDS));
		}
		// At most one lock timeout in the registry's own queue and one in the store, where
		// the sixth save waited for the five before it, one after another.
		assertThat(longest).isLessThan(lockTimeout.multipliedBy(3).toMillis());
		assertThat(registry.loadPluginConfig(HELD)).isEmpty();
	}

	@Test
	void pluginsSavedAndDeletedThousandsOfTimesWithoutARefreshLeaveNothingBehind() {
		MemoryStore store = new MemoryStore();
		StoredRevisions revisions = new StoredRevisions(store, new Listeners<>("plugin configuration changes"));
		revisions.ensureLoaded();
		for (int i = 0; i < 5_000; i++) {
			String id = "llm_plugin" + i;
			int value = i;
			revisions.write(id, () -> store.save(id, Map.of("v", value), ExpectedRevision.any()));
			revisions.write(id, () -> delete(store, id));
			revisions.write("llm_never" + i, () -> delete(store, "llm_never" + value));
			store.failing = true;
			assertThatExceptionOfType(UncheckedIOException.class)
				.isThrownBy(() -> revisions.write(id, () -> store.save(id, Map.of("v", value), ExpectedRevision.any())));
			store.failing = false;
			if (i % 1_000 == 0) {
				// A refresh under way between writes, as a watcher's.
				revisions.refresh();
			}
		}
		assertThat(revisions.size()).isZero();
		revisions.write("llm_kept", () -> store.save("llm_kept", Map.of("v", 1), ExpectedRevision.any()));
		assertThat(revisions.size()).as("the revision of what is stored").isOne();
	}

	@Test
	void aSaveMadeWholeBetweenARefreshsReadAndItsApplyIsNotUndone() throws Exception {
		CountDownLatch read = new CountDownLatch(1);
		StallingStore store = new StallingStore(read, this.release);
		List<PluginConfigChange> delivered = new ArrayList<>();
		Listeners<PluginConfigChange> listeners = new Listeners<>("changes");
		listeners.add(delivered::add);
		StoredRevisions revisions = new StoredRevisions(store, listeners);
		revisions.ensureLoaded();
		revisions.write("llm_a", () -> store.save("llm_a", Map.of("v", 1), ExpectedRevision.any()));
		store.stall = true;
		CompletableFuture<List<PluginConfigChange>> refresh = CompletableFuture.supplyAsync(revisions::refresh,
				this.threads);
		assertThat(read.await(10, TimeUnit.SECONDS)).isTrue();
		// Whole, after the refresh read v=1 and before it compares.
		String newer = revisions.write("llm_a", () -> store.save("llm_a", Map.of("v", 2), ExpectedRevision.any()));
		this.release.countDown();
		assertThat(refresh.get(10, TimeUnit.SECONDS)).as("changes the refresh reports").isEmpty();
		assertThat(revisions.get("llm_a")).isEqualTo(newer);
		assertThat(delivered).noneMatch(PluginConfigChange::external);
	}

	private static @Nullable String delete(MemoryStore store, String id) {
		store.delete(id);
		return null;
	}

	private static UnifiedPluginRegistry registry(FileSystemPluginConfigStore store) {
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(store);
		registry.registerPluginManager("llm", TestPluginManager.of("held"));
		return registry;
	}

	private static Throwable catching(CompletableFuture<?> future) throws Exception {
		try {
			future.get(10, TimeUnit.SECONDS);
			return null;
		}
		catch (ExecutionException ex) {
			return ex.getCause();
		}
	}

	private static void await(CountDownLatch latch) {
		try {
			if (!latch.await(30, TimeUnit.SECONDS)) {
				throw new IllegalStateException("The test never let the store go on");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** Stalls one read of the revisions after it has read them, until told to go on. */
	private static final class StallingStore extends MemoryStore {

		private final CountDownLatch read;

		private final CountDownLatch go;

		volatile boolean stall;

		StallingStore(CountDownLatch read, CountDownLatch go) {
			this.read = read;
			this.go = go;
		}

		@Override
		public Map<String, String> revisions() {
			Map<String, String> revisions = super.revisions();
			if (this.stall) {
				this.stall = false;
				this.read.countDown();
				await(this.go);
			}
			return revisions;
		}

	}

}
