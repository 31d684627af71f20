package dev.unifiedplugins.reliability;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import dev.unifiedplugins.actuate.PluginsEndpoint;
import dev.unifiedplugins.actuate.PluginsEndpoint.PluginDetailDescriptor;
import dev.unifiedplugins.actuate.PluginsEndpoint.PluginEntry;
import dev.unifiedplugins.actuate.PluginsEndpoint.PluginsDescriptor;
import dev.unifiedplugins.concurrent.BoundedCalls;
import dev.unifiedplugins.config.FileSystemPluginConfigStore;
import dev.unifiedplugins.core.PluginManager;
import dev.unifiedplugins.core.PluginMetadata;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.inspection.PluginInspection;
import dev.unifiedplugins.inspection.PluginInspector;
import dev.unifiedplugins.inspection.PluginReport;
import dev.unifiedplugins.testsupport.TestPluginManager;
import dev.unifiedplugins.testsupport.TestPlugins;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.actuate.endpoint.Sanitizer;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The registry, the file store and the endpoint under ten threads that mix registration,
 * saves, loads, deletes and endpoint reads: no exception, no torn read, no lost
 * {@code configured} flag, and at the end every plugin's state is that of its last
 * completed write.
 * <p>
 * Each writer thread owns two plugins, so it knows their last completed write and checks
 * every read of them against it, while registrations and other threads' reads and writes
 * race with it. Two more plugins are written by every thread; for those the test checks
 * that flag, file and content agree.
 */
class ConcurrentRegistryStoreEndpointTests {

	private static final int THREADS = 10;

	private static final int OPERATIONS_PER_THREAD = 150;

	private static final List<String> SHARED = List.of("shared_s0", "shared_s1");

	@TempDir
	Path dir;

	private final BoundedCalls calls = new BoundedCalls("concurrency-test-", 8);

	private FileSystemPluginConfigStore store;

	private UnifiedPluginRegistry registry;

	private PluginInspector inspector;

	private PluginsEndpoint endpoint;

	private final Map<String, PluginManager> managers = new LinkedHashMap<>();

	@BeforeEach
	void createRegistry() {
		this.store = new FileSystemPluginConfigStore(this.dir);
		this.registry = new UnifiedPluginRegistry(this.store);
		for (String category : List.of("alpha", "beta")) {
			Map<String, Object> instances = new LinkedHashMap<>();
			for (int i = 0; i < THREADS; i++) {
				instances.put("p" + i, null);
			}
			this.managers.put(category, TestPluginManager.of(instances));
		}
		// Live instances, so that endpoint reads call into plugins too.
		Map<String, Object> shared = new LinkedHashMap<>();
		shared.put("s0", new TestPlugins.Lifecycle(List::of, () -> Map.of("url", "http://localhost")));
		shared.put("s1", new TestPlugins.Cloud(() -> TestPlugins.running(Map.of()), (hours) -> 1.5 * hours));
		this.managers.put("shared", TestPluginManager.of(shared));
		this.managers.forEach(this.registry::registerPluginManager);
		this.inspector = new PluginInspector(this.registry, this.calls, Duration.ofSeconds(10));
		this.endpoint = new PluginsEndpoint(this.registry, this.inspector, new Sanitizer(List.of()), Show.ALWAYS,
				Set.of(), 1.0, null);
	}

	@AfterEach
	void closeCalls() {
		this.calls.close();
	}

	@Test
	void mixedOperationsOnManyThreadsNeverTearOrLoseAnything() throws Exception {
		ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
		CountDownLatch start = new CountDownLatch(1);
		List<Worker> workers = IntStream.range(0, THREADS).mapToObj(Worker::new).toList();
		ExecutorService threads = Executors.newFixedThreadPool(THREADS);
		try {
			List<Future<?>> running = new ArrayList<>();
			for (Worker worker : workers) {
				running.add(threads.submit(() -> {
					try {
						start.await();
						worker.run();
					}
					catch (Throwable ex) {
						failures.add(new AssertionError("thread " + worker.thread + " failed", ex));
					}
				}));
			}
			start.countDown();
			for (Future<?> future : running) {
				future.get(120, TimeUnit.SECONDS);
			}
		}
		finally {
			threads.shutdownNow();
		}
		if (!failures.isEmpty()) {
			AssertionError error = new AssertionError(failures.size() + " thread(s) failed; first: " + failures.peek());
			failures.forEach(error::addSuppressed);
			throw error;
		}

		// The final state of each owned plugin is its last completed write.
		for (Worker worker : workers) {
			worker.last.forEach((id, seq) -> {
				boolean saved = seq != null;
				assertThat(this.registry.getPlugin(id).orElseThrow().configured()).as("%s configured", id).isEqualTo(saved);
				assertThat(Files.isRegularFile(this.dir.resolve(id + ".json"))).as("%s file", id).isEqualTo(saved);
				if (saved) {
					assertThat(seqOf(this.registry.loadPluginConfig(id))).as("%s content", id).isEqualTo(seq);
				}
			});
		}
		for (String id : SHARED) {
			boolean exists = Files.isRegularFile(this.dir.resolve(id + ".json"));
			assertThat(this.registry.getPlugin(id).orElseThrow().configured()).as("%s configured", id).isEqualTo(exists);
			assertConsistent(id, this.registry.loadPluginConfig(id));
		}
		// A fresh start over the same directory sees the same.
		UnifiedPluginRegistry fresh = new UnifiedPluginRegistry(new FileSystemPluginConfigStore(this.dir));
		this.managers.forEach(fresh::registerPluginManager);
		for (PluginMetadata plugin : this.registry.getRegisteredPlugins()) {
			assertThat(fresh.getPlugin(plugin.uniqueId()).orElseThrow().configured()).as(plugin.uniqueId())
				.isEqualTo(plugin.configured());
		}
		try (var files = Files.list(this.dir)) {
			assertThat(files.map((file) -> file.getFileName().toString())).as("no temp file is left")
				.allSatisfy((name) -> assertThat(name).doesNotEndWith(".tmp"));
		}
	}

	private static Map<String, Object> config(int thread, long seq) {
		Map<String, Object> config = new LinkedHashMap<>();
		config.put("thread", thread);
		config.put("seq", seq);
		config.put("payload", Long.toString(seq).repeat(512));
		config.put("check", seq);
		return config;
	}

	/** The saved sequence number (JSON reads small numbers back as Integer), or null. */
	private static Long seqOf(Map<String, Object> config) {
		return (config.get("seq") instanceof Number number) ? number.longValue() : null;
	}

	private static void assertConsistent(String id, Map<String, Object> config) {
		if (config.isEmpty()) {
			return;
		}
		assertThat(config).as(id).containsOnlyKeys("thread", "seq", "payload", "check");
		long seq = ((Number) config.get("seq")).longValue();
		assertThat(((Number) config.get("check")).longValue()).as("%s check", id).isEqualTo(seq);
		assertThat(config.get("payload")).as("%s payload", id).isEqualTo(Long.toString(seq).repeat(512));
	}

	/** One thread's mix of operations, with what it knows about the plugins it owns. */
	private final class Worker {

		final int thread;

		/** Last completed write of each owned plugin: the saved seq, or null after a delete. */
		final Map<String, Long> last = new HashMap<>();

		private long seq;

		Worker(int thread) {
			this.thread = thread;
			this.seq = thread * 1_000_000L;
			this.last.put("alpha_p" + thread, null);
			this.last.put("beta_p" + thread, null);
		}

		void run() {
			ThreadLocalRandom random = ThreadLocalRandom.current();
			List<String> owned = new ArrayList<>(this.last.keySet());
			List<String> all = registry.getRegisteredPlugins().stream().map(PluginMetadata::uniqueId).toList();
			for (int op = 0; op < OPERATIONS_PER_THREAD; op++) {
				int dice = random.nextInt(100);
				if (dice < 25) {
					String id = owned.get(random.nextInt(owned.size()));
					long next = ++this.seq;
					assertThat(registry.savePluginConfig(id, config(this.thread, next))).isTrue();
					this.last.put(id, next);
					checkOwned(id);
				}
				else if (dice < 35) {
					String id = owned.get(random.nextInt(owned.size()));
					assertThat(registry.deletePluginConfig(id)).isTrue();
					this.last.put(id, null);
					checkOwned(id);
				}
				else if (dice < 45) {
					String id = SHARED.get(random.nextInt(SHARED.size()));
					if (random.nextBoolean()) {
						assertThat(registry.savePluginConfig(id, config(this.thread, ++this.seq))).isTrue();
					}
					else {
						assertThat(registry.deletePluginConfig(id)).isTrue();
					}
				}
				else if (dice < 53) {
					String category = List.of("alpha", "beta", "shared").get(random.nextInt(3));
					registry.registerPluginManager(category, managers.get(category));
					owned.forEach(this::checkOwned);
				}
				else if (dice < 68) {
					String id = all.get(random.nextInt(all.size()));
					assertConsistent(id, random.nextBoolean() ? registry.loadPluginConfig(id)
							: store.load(id).orElse(Map.of()));
				}
				else if (dice < 80) {
					checkList(endpoint.plugins(null));
				}
				else if (dice < 90) {
					String id = random.nextBoolean() ? owned.get(random.nextInt(owned.size()))
							: all.get(random.nextInt(all.size()));
					checkDetail(endpoint.plugin(id, SecurityContext.NONE));
				}
				else if (dice < 95) {
					checkInspection(inspector.inspectAll(1.0));
				}
				else {
					assertThat(store.ids()).isSubsetOf(all);
					assertThat(registry.getAllPlugins()).hasSize(all.size());
				}
			}
		}

		/** Everything about an owned plugin agrees with this thread's last write of it. */
		void checkOwned(String id) {
			Long saved = this.last.get(id);
			assertThat(registry.getPlugin(id).orElseThrow().configured()).as("%s configured", id)
				.isEqualTo(saved != null);
			assertThat(store.exists(id)).as("%s exists", id).isEqualTo(saved != null);
			Map<String, Object> config = registry.loadPluginConfig(id);
			assertConsistent(id, config);
			assertThat(seqOf(config)).as("%s seq", id).isEqualTo(saved);
		}

		void checkList(PluginsDescriptor answer) {
			assertThat(answer.stats().total()).isEqualTo(2 * THREADS + SHARED.size());
			assertThat(answer.cloudCost().byPlugin()).containsExactly(Map.entry("shared_s1", 1.5));
			for (PluginEntry entry : answer.plugins()) {
				assertThat(entry.error()).as("%s error", entry.uniqueId()).isNull();
				if (this.last.containsKey(entry.uniqueId())) {
					assertThat(entry.configured()).as("%s configured", entry.uniqueId())
						.isEqualTo(this.last.get(entry.uniqueId()) != null);
				}
			}
		}

		void checkDetail(PluginDetailDescriptor detail) {
			String id = detail.plugin().uniqueId();
			assertThat(detail.plugin().error()).as("%s error", id).isNull();
			assertConsistent(id, detail.config());
			if (this.last.containsKey(id)) {
				assertThat(detail.plugin().configured()).as("%s configured", id).isEqualTo(this.last.get(id) != null);
				assertThat(seqOf(detail.config())).as("%s seq", id).isEqualTo(this.last.get(id));
			}
		}

		void checkInspection(PluginInspection inspection) {
			assertThat(inspection.plugins()).hasSize(2 * THREADS + SHARED.size());
			for (PluginReport report : inspection.plugins()) {
				assertThat(report.error()).as("%s error", report.metadata().uniqueId()).isNull();
			}
			assertThat(inspection.totalCost()).isEqualTo(1.5);
		}

	}

}
