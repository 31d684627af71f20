package dev.unifiedplugins.core;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.unifiedplugins.config.FileSystemPluginConfigStore;
import dev.unifiedplugins.config.PluginConfigChange;
import dev.unifiedplugins.testsupport.ForwardingStore;
import dev.unifiedplugins.testsupport.TestPluginManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One plugin's slow write stays its own: while a save of {@code llm_slow} waits in the
 * store (as for a row another connection holds), other plugins' saves, deletes and reads,
 * and a refresh of every revision, go on at once; and the slow save's own result is not
 * mistaken for a change made elsewhere.
 */
class UnifiedPluginRegistryIsolationTests {

	private static final String SLOW = "llm_slow";

	@TempDir
	Path dir;

	private final CountDownLatch inStore = new CountDownLatch(1);

	private final CountDownLatch release = new CountDownLatch(1);

	private final List<PluginConfigChange> changes = new CopyOnWriteArrayList<>();

	private UnifiedPluginRegistry registry;

	@BeforeEach
	void createRegistry() {
		ForwardingStore store = new ForwardingStore(new FileSystemPluginConfigStore(this.dir)) {

			@Override
			public void save(String uniqueId, Map<String, Object> config) {
				if (SLOW.equals(uniqueId) && inStore.getCount() > 0) {
					inStore.countDown();
					await(release);
				}
				super.save(uniqueId, config);
			}

		};
		this.registry = new UnifiedPluginRegistry(store);
		this.registry.registerPluginManager("llm", TestPluginManager.of("slow", "fast", "other"));
		this.registry.addChangeListener(this.changes::add);
	}

	@AfterEach
	void releaseTheSlowSave() {
		this.release.countDown();
	}

	@Test
	void aSlowSaveDelaysNoOtherPluginNorARefresh() throws Exception {
		CompletableFuture<Boolean> slow = CompletableFuture
			.supplyAsync(() -> this.registry.savePluginConfig(SLOW, Map.of("v", 1)));
		assertThat(this.inStore.await(10, TimeUnit.SECONDS)).isTrue();
		// Every one of these would have queued behind the slow save under a registry-wide lock.
		CompletableFuture<Void> others = CompletableFuture.runAsync(() -> {
			assertThat(this.registry.savePluginConfig("llm_fast", Map.of("v", 2))).isTrue();
			assertThat(this.registry.loadPluginConfig("llm_fast")).containsEntry("v", 2);
			assertThat(this.registry.refreshConfigurations()).isEmpty();
			assertThat(this.registry.deletePluginConfig("llm_fast")).isTrue();
			assertThat(this.registry.savePluginConfig("llm_other", Map.of("v", 3))).isTrue();
			assertThat(this.registry.getPlugin("llm_other").orElseThrow().configured()).isTrue();
			assertThat(this.registry.getPlugin(SLOW).orElseThrow().configured()).isFalse();
		});
		others.get(10, TimeUnit.SECONDS);
		assertThat(slow).isNotDone();
		this.release.countDown();
		assertThat(slow.get(10, TimeUnit.SECONDS)).isTrue();
		assertThat(this.registry.getPlugin(SLOW).orElseThrow().configured()).isTrue();
		assertThat(this.registry.refreshConfigurations()).isEmpty();
		assertThat(this.changes).allSatisfy((change) -> assertThat(change.external()).isFalse());
		assertThat(this.changes).extracting(PluginConfigChange::uniqueId)
			.containsExactly("llm_fast", "llm_fast", "llm_other", SLOW);
	}

	@Test
	void aRefreshThatReadWhileASaveWasUnderWayDoesNotUndoIt() throws Exception {
		CompletableFuture<Boolean> slow = CompletableFuture
			.supplyAsync(() -> this.registry.savePluginConfig(SLOW, Map.of("v", 1)));
		assertThat(this.inStore.await(10, TimeUnit.SECONDS)).isTrue();
		// Read before the save is written: the refresh must leave the plugin to the save.
		CompletableFuture.supplyAsync(this.registry::refreshConfigurations).get(10, TimeUnit.SECONDS);
		this.release.countDown();
		slow.get(10, TimeUnit.SECONDS);
		assertThat(this.registry.getPlugin(SLOW).orElseThrow().configured()).isTrue();
		assertThat(this.registry.refreshConfigurations()).isEmpty();
		assertThat(this.changes).singleElement().satisfies((change) -> {
			assertThat(change.uniqueId()).isEqualTo(SLOW);
			assertThat(change.external()).isFalse();
		});
	}

	private static void await(CountDownLatch latch) {
		try {
			if (!latch.await(30, TimeUnit.SECONDS)) {
				throw new IllegalStateException("The test never released the slow save");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
