package dev.unifiedplugins.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import dev.unifiedplugins.core.PluginMetadata;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.testsupport.TestPluginManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that 8 threads saving, deleting and loading the same and different configs see no
 * torn file, leave no temporary file, and end with flags and files that match the last
 * completed write of each id.
 */
class ConcurrentConfigAccessTests {

	private static final int THREADS = 8;

	private static final int ITERATIONS = 60;

	private static final List<String> SHARED = List.of("llm_shared_a", "llm_shared_b");

	@TempDir
	Path configDir;

	UnifiedPluginRegistry registry;

	FileSystemPluginConfigStore store;

	ExecutorService executor;

	Set<String> allIds;

	@BeforeEach
	void registerPlugins() {
		this.store = new FileSystemPluginConfigStore(this.configDir);
		this.registry = new UnifiedPluginRegistry(this.store);
		this.registry.registerPluginManager("llm", manager());
		this.allIds = new HashSet<>(SHARED);
		IntStream.range(0, THREADS).forEach((thread) -> this.allIds.add(ownId(thread)));
		SHARED.forEach((id) -> assertThat(this.registry.savePluginConfig(id, config(0))).isTrue());
		this.executor = Executors.newFixedThreadPool(THREADS + 1);
	}

	@AfterEach
	void stopThreads() throws InterruptedException {
		this.executor.shutdownNow();
		assertThat(this.executor.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void concurrentSavesAndLoadsSeeOnlyCompleteConfigsAndEndWithTheLastWrite() throws Exception {
		CyclicBarrier start = new CyclicBarrier(THREADS);
		List<Future<Outcome>> futures = new ArrayList<>();
		for (int thread = 0; thread < THREADS; thread++) {
			futures.add(this.executor.submit(worker(thread, start)));
		}
		List<Outcome> outcomes = new ArrayList<>();
		for (Future<Outcome> future : futures) {
			outcomes.add(future.get(120, TimeUnit.SECONDS));
		}

		assertThat(temporaryFiles()).isEmpty();
		for (String shared : SHARED) {
			// Each thread's writes to an id complete in order, so the last completed write of
			// the id is the last write of one of the threads.
			Set<Integer> lastWrites = new HashSet<>();
			outcomes.forEach((outcome) -> lastWrites.add(outcome.lastShared().get(shared)));
			Map<String, Object> config = this.registry.loadPluginConfig(shared);
			assertConsistent(config);
			assertThat((Integer) config.get("version")).isIn(lastWrites);
			assertThat(this.registry.getPlugin(shared).orElseThrow().configured()).isTrue();
		}
		for (int thread = 0; thread < THREADS; thread++) {
			String own = ownId(thread);
			Integer last = outcomes.get(thread).lastOwn();
			PluginMetadata metadata = this.registry.getPlugin(own).orElseThrow();
			assertThat(metadata.configured()).as(own).isEqualTo(last != null);
			assertThat(this.configDir.resolve(own + ".json").toFile().isFile()).as(own).isEqualTo(last != null);
			assertThat(this.registry.loadPluginConfig(own)).as(own).isEqualTo((last != null) ? config(last) : Map.of());
		}
		Set<String> expectedIds = new HashSet<>(SHARED);
		outcomes.forEach((outcome) -> {
			if (outcome.lastOwn() != null) {
				expectedIds.add(ownId(outcome.thread()));
			}
		});
		assertThat(this.store.ids()).containsExactlyInAnyOrderElementsOf(expectedIds);
	}

	@Test
	void registeringAgainWhileSavingKeepsConfiguredFlagsRight() throws Exception {
		CyclicBarrier start = new CyclicBarrier(THREADS + 1);
		List<Future<Outcome>> futures = new ArrayList<>();
		for (int thread = 0; thread < THREADS; thread++) {
			futures.add(this.executor.submit(worker(thread, start)));
		}
		Future<?> registrations = this.executor.submit(() -> {
			start.await();
			for (int i = 0; i < ITERATIONS / 2; i++) {
				this.registry.registerPluginManager("llm", manager());
			}
			return null;
		});
		List<Outcome> outcomes = new ArrayList<>();
		for (Future<Outcome> future : futures) {
			outcomes.add(future.get(120, TimeUnit.SECONDS));
		}
		registrations.get(120, TimeUnit.SECONDS);
		for (Outcome outcome : outcomes) {
			String own = ownId(outcome.thread());
			assertThat(this.registry.getPlugin(own).orElseThrow().configured()).as(own)
				.isEqualTo(outcome.lastOwn() != null);
		}
		assertThat(temporaryFiles()).isEmpty();
	}

	/**
	 * A worker that writes shared ids (saves only) and its own id (saves and deletes),
	 * checking every load as it goes. Only this worker writes its own id, so what it loads
	 * back must be exactly what it wrote last.
	 */
	private Callable<Outcome> worker(int thread, CyclicBarrier start) {
		return () -> {
			String own = ownId(thread);
			Map<String, Integer> lastShared = new HashMap<>();
			Integer lastOwn = null;
			start.await();
			for (int i = 0; i < ITERATIONS; i++) {
				int version = i * THREADS + thread + 1;
				String shared = SHARED.get((i + thread) % SHARED.size());
				assertThat(this.registry.savePluginConfig(shared, config(version))).isTrue();
				lastShared.put(shared, version);
				assertConsistent(this.registry.loadPluginConfig(SHARED.get(i % SHARED.size())));
				assertConsistent(this.store.load(SHARED.get((i + 1) % SHARED.size())).orElseThrow());

				if (i % 3 == 2) {
					assertThat(this.registry.deletePluginConfig(own)).isTrue();
					lastOwn = null;
				}
				else {
					assertThat(this.registry.savePluginConfig(own, config(version))).isTrue();
					lastOwn = version;
				}
				assertThat(this.registry.loadPluginConfig(own)).isEqualTo((lastOwn != null) ? config(lastOwn) : Map.of());
				assertThat(this.registry.getPlugin(own).orElseThrow().configured()).isEqualTo(lastOwn != null);

				Set<String> ids = this.store.ids();
				assertThat(this.allIds).containsAll(ids);
				assertThat(ids.contains(own)).isEqualTo(lastOwn != null);
			}
			SHARED.forEach((id) -> lastShared.putIfAbsent(id, -1));
			return new Outcome(thread, lastShared, lastOwn);
		};
	}

	private List<String> temporaryFiles() throws IOException {
		try (Stream<Path> entries = Files.list(this.configDir)) {
			return entries.map((entry) -> entry.getFileName().toString())
				.filter((name) -> (name.startsWith(".") || !name.endsWith(".json")) && !name.equals(".locks")
						&& !name.equals(".history"))
				.toList();
		}
	}

	private static void assertConsistent(Map<String, Object> config) {
		assertThat(config).containsOnlyKeys("version", "copy", "payload");
		int version = (Integer) config.get("version");
		assertThat(config).isEqualTo(config(version));
	}

	/** A config whose fields all derive from one version, so a mix of two is detectable. */
	private static Map<String, Object> config(int version) {
		return Map.of("version", version, "copy", version, "payload", ("v" + version + ";").repeat(200 + version));
	}

	private static String ownId(int thread) {
		return "llm_own_" + thread;
	}

	private static TestPluginManager manager() {
		List<String> names = new ArrayList<>(List.of("shared_a", "shared_b"));
		IntStream.range(0, THREADS).forEach((thread) -> names.add("own_" + thread));
		return TestPluginManager.of(names.toArray(String[]::new));
	}

	private record Outcome(int thread, Map<String, Integer> lastShared, Integer lastOwn) {
	}

}
