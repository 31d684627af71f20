package dev.unifiedplugins.core;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.unifiedplugins.config.ExpectedRevision;
import dev.unifiedplugins.config.FileSystemPluginConfigStore;
import dev.unifiedplugins.config.PluginConfigChange;
import dev.unifiedplugins.config.PluginConfigChange.Kind;
import dev.unifiedplugins.config.PluginConfigConflictException;
import dev.unifiedplugins.config.PluginConfigStore;
import dev.unifiedplugins.testsupport.Await;
import dev.unifiedplugins.testsupport.ForwardingStore;
import dev.unifiedplugins.watch.PluginConfigWatcher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Changes of stored configurations: the registry's own, and those made elsewhere, reach
 * the {@code configured} flags and the listeners.
 */
class UnifiedPluginRegistryChangeTests {

	@TempDir
	Path dir;

	private FileSystemPluginConfigStore store;

	private UnifiedPluginRegistry registry;

	private final List<PluginConfigChange> changes = new CopyOnWriteArrayList<>();

	@BeforeEach
	void createRegistry() {
		this.store = new FileSystemPluginConfigStore(this.dir);
		this.registry = registryOn(this.store);
	}

	private UnifiedPluginRegistry registryOn(PluginConfigStore store) {
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(store);
		registry.registerPluginManager("llm", () -> List.of(PluginDescriptor.builder("gpt").build(),
				PluginDescriptor.builder("llama").build()));
		registry.addChangeListener(this.changes::add);
		return registry;
	}

	@Test
	void ownSavesAndDeletesAreDeliveredAsTheyHappen() {
		this.registry.savePluginConfig("llm_gpt", Map.of("model", "a"));
		String revision = this.registry.loadStoredPluginConfig("llm_gpt").orElseThrow().revision();
		this.registry.deletePluginConfig("llm_gpt");
		assertThat(this.changes).containsExactly(new PluginConfigChange("llm_gpt", Kind.SAVED, revision, false),
				new PluginConfigChange("llm_gpt", Kind.DELETED, null, false));
		assertThat(this.registry.refreshConfigurations()).as("nothing changed elsewhere").isEmpty();
	}

	@Test
	void changesMadeElsewhereAreFoundByARefresh() throws Exception {
		UnifiedPluginRegistry other = new UnifiedPluginRegistry(new FileSystemPluginConfigStore(this.dir));
		other.savePluginConfig("llm_gpt", Map.of("model", "a"));
		Files.writeString(this.store.pathOf("llm_llama"), "{\"model\": \"by hand\"}");
		assertThat(this.registry.getPlugin("llm_gpt").orElseThrow().configured()).isFalse();

		List<PluginConfigChange> found = this.registry.refreshConfigurations();
		assertThat(found).extracting(PluginConfigChange::uniqueId, PluginConfigChange::kind,
				PluginConfigChange::external)
			.containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("llm_gpt", Kind.SAVED, true),
					org.assertj.core.groups.Tuple.tuple("llm_llama", Kind.SAVED, true));
		assertThat(this.changes).containsExactlyInAnyOrderElementsOf(found);
		assertThat(this.registry.getPlugin("llm_gpt").orElseThrow().configured()).isTrue();
		assertThat(this.registry.getPlugin("llm_llama").orElseThrow().configured()).isTrue();

		Files.delete(this.store.pathOf("llm_llama"));
		assertThat(this.registry.refreshConfigurations())
			.containsExactly(new PluginConfigChange("llm_llama", Kind.DELETED, null, true));
		assertThat(this.registry.getPlugin("llm_llama").orElseThrow().configured()).isFalse();
	}

	@Test
	void aCheckedSaveOverAnotherRegistrysChangeFails() {
		UnifiedPluginRegistry other = new UnifiedPluginRegistry(new FileSystemPluginConfigStore(this.dir));
		String read = this.registry.savePluginConfig("llm_gpt", Map.of("model", "a"), ExpectedRevision.none());
		other.savePluginConfig("llm_gpt", Map.of("model", "b"));
		assertThatExceptionOfType(PluginConfigConflictException.class).isThrownBy(
				() -> this.registry.savePluginConfig("llm_gpt", Map.of("model", "c"), ExpectedRevision.of(read)));
		assertThat(this.registry.loadPluginConfig("llm_gpt")).containsEntry("model", "b");
		assertThat(this.changes).hasSize(1);
	}

	@Test
	void aListenerThatThrowsDoesNotStopTheOthersNorTheSave() {
		List<PluginConfigChange> second = new CopyOnWriteArrayList<>();
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(this.store);
		registry.addChangeListener((change) -> {
			throw new IllegalStateException("listener bug");
		});
		registry.addChangeListener(second::add);
		assertThat(registry.savePluginConfig("llm_gpt", Map.of("k", 1))).isTrue();
		assertThat(second).hasSize(1);
	}

	@Test
	void aWatcherDeliversAFileWrittenByHandWithoutAnyoneAsking() throws Exception {
		try (PluginConfigWatcher watcher = new PluginConfigWatcher(this.registry, Duration.ofSeconds(30))) {
			watcher.start();
			Files.writeString(this.store.pathOf("llm_gpt"), "{\"model\": \"by hand\"}");
			// The file system's event, not the 30 s rescan.
			Await.until("the change is delivered", () -> !this.changes.isEmpty());
			assertThat(this.changes.get(0)).satisfies((change) -> {
				assertThat(change.uniqueId()).isEqualTo("llm_gpt");
				assertThat(change.external()).isTrue();
			});
			assertThat(this.registry.getPlugin("llm_gpt").orElseThrow().configured()).isTrue();
		}
	}

	@Test
	void aCategoryRegisteredWhileTheStoreCannotBeReadIsAFailureUntilTheStoreIsRead() {
		ForwardingStore flaky = new ForwardingStore(this.store);
		flaky.down = true;
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(flaky);
		assertThatExceptionOfType(UncheckedIOException.class).isThrownBy(
				() -> registry.registerPluginManager("llm", () -> List.of(PluginDescriptor.builder("gpt").build())));
		assertThat(registry.getPlugin("llm_gpt")).isPresent();
		assertThat(registry.getRegistrationFailures()).containsOnlyKeys("llm");
		flaky.down = false;
		registry.refreshConfigurations();
		assertThat(registry.getRegistrationFailures()).isEmpty();
	}

	@Test
	void aFailedDiscoveryAfterAnUnreadStoreIsNotEndedByTheStoresRead() {
		ForwardingStore flaky = new ForwardingStore(this.store);
		flaky.down = true;
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(flaky);
		assertThatExceptionOfType(UncheckedIOException.class).isThrownBy(
				() -> registry.registerPluginManager("llm", () -> List.of(PluginDescriptor.builder("gpt").build())));
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> registry.registerPluginManager("llm",
				() -> {
					throw new IllegalStateException("discovery failed");
				}));
		flaky.down = false;
		registry.refreshConfigurations();
		assertThat(registry.getRegistrationFailures()).hasEntrySatisfying("llm",
				(failure) -> assertThat(failure).hasMessage("discovery failed"));
	}

	@Test
	void aWatcherRescansAStoreThatCannotReportChanges() throws Exception {
		UnifiedPluginRegistry registry = registryOn(new ForwardingStore(this.store));
		try (PluginConfigWatcher watcher = new PluginConfigWatcher(registry, Duration.ofMillis(100))) {
			watcher.start();
			this.store.save("llm_gpt", Map.of("model", "elsewhere"));
			Await.until("the rescan finds the change", () -> !this.changes.isEmpty());
			assertThat(registry.getPlugin("llm_gpt").orElseThrow().configured()).isTrue();
		}
	}

	@Test
	void aWatcherReportsAStoreThatCannotBeReadAndRecovers() throws Exception {
		ForwardingStore flaky = new ForwardingStore(this.store);
		UnifiedPluginRegistry registry = registryOn(flaky);
		try (PluginConfigWatcher watcher = new PluginConfigWatcher(registry, Duration.ofMillis(50))) {
			watcher.start();
			flaky.down = true;
			Await.until("the failure is reported", () -> watcher.getStoreFailure() != null);
			assertThat(watcher.getStoreFailure()).contains("database is down");
			this.store.save("llm_gpt", Map.of("model", "meanwhile"));
			flaky.down = false;
			Await.until("the store is read again", () -> watcher.getStoreFailure() == null);
			Await.until("the change made meanwhile is found", () -> !this.changes.isEmpty());
		}
	}

	@Test
	void aLongOutageIsReadAboutOnceASecondNotMoreAndMore() throws Exception {
		AtomicInteger reads = new AtomicInteger();
		ForwardingStore failingFast = new ForwardingStore(this.store) {
			@Override
			public Set<String> ids() {
				reads.incrementAndGet();
				return super.ids();
			}
		};
		UnifiedPluginRegistry registry = registryOn(failingFast);
		failingFast.down = true;
		// A rescan just over the retry interval: each failed rescan used to start a retry
		// chain of its own, so that the reads per second grew with the outage.
		try (PluginConfigWatcher watcher = new PluginConfigWatcher(registry, Duration.ofMillis(1100))) {
			watcher.start();
			Thread.sleep(6_000);
			int before = reads.get();
			Thread.sleep(3_000);
			// A rescan and a retry each second at most, with room for a late tick.
			assertThat(reads.get() - before).isLessThanOrEqualTo(8);
		}
	}

}
