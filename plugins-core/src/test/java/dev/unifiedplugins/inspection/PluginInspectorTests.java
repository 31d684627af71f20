package dev.unifiedplugins.inspection;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import dev.unifiedplugins.concurrent.BoundedCalls;
import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.core.PluginManager;
import dev.unifiedplugins.core.PluginMetadata;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.testsupport.TestPluginManager;
import dev.unifiedplugins.testsupport.TestPlugins;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link PluginInspector}: each report belongs to its own plugin when plugins
 * come, go and move between inspections; concurrent inspections share work without
 * serving a caller an answer that began before its call; durations are bounded.
 */
class PluginInspectorTests {

	private static final long PID = ProcessHandle.current().pid();

	@TempDir
	Path dir;

	private final BoundedCalls calls = new BoundedCalls("test-", 4);

	@AfterEach
	void close() {
		this.calls.close();
	}

	@Test
	void reportsFollowPluginsThatMove() {
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(this.dir);
		PluginInspector inspector = new PluginInspector(registry, this.calls, Duration.ofSeconds(5));
		registry.registerPluginManager("llm", TestPluginManager.of(plugins("a", "b", "c")));
		registry.registerPluginManager("stt", TestPluginManager.of(plugins("x", "live")));
		assertThat(inspector.inspectAll(1.0).managedPids()).containsOnlyKeys("stt_live");

		// Every plugin after the first category moves one place up.
		registry.registerPluginManager("llm", TestPluginManager.of(plugins("b", "c")));
		PluginInspection shorter = inspector.inspectAll(1.0);
		assertThat(ids(shorter)).containsExactly("llm_b", "llm_c", "stt_x", "stt_live");
		assertThat(shorter.managedPids()).containsOnlyKeys("stt_live");

		// A live plugin takes the place of an idle one, which moves down.
		registry.registerPluginManager("llm", TestPluginManager.of(plugins("live", "b", "c")));
		PluginInspection longer = inspector.inspectAll(1.0);
		assertThat(ids(longer)).containsExactly("llm_live", "llm_b", "llm_c", "stt_x", "stt_live");
		assertThat(longer.managedPids()).containsOnlyKeys("llm_live", "stt_live");
		assertThat(longer.plugins()).allSatisfy((report) -> assertThat(report.metadata().spawnedPids())
			.isEqualTo(report.metadata().name().equals("live") ? List.of(PID) : List.of()));
	}

	@Test
	void reportsFollowPluginsThatSwapPlaces() {
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(this.dir);
		PluginInspector inspector = new PluginInspector(registry, this.calls, Duration.ofSeconds(5));
		registry.registerPluginManager("llm", TestPluginManager.of(plugins("a", "live", "c")));
		assertThat(inspector.inspectAll(1.0).managedPids()).containsOnlyKeys("llm_live");

		// The same number of plugins: only the metadata at each place tells the change.
		registry.registerPluginManager("llm", TestPluginManager.of(plugins("live", "a", "c")));
		PluginInspection swapped = inspector.inspectAll(1.0);
		assertThat(ids(swapped)).containsExactly("llm_live", "llm_a", "llm_c");
		assertThat(swapped.managedPids()).containsOnlyKeys("llm_live");
		registry.registerPluginManager("llm", TestPluginManager.of(plugins("x", "y", "live")));
		assertThat(inspector.inspectAll(1.0).managedPids()).containsOnlyKeys("llm_live");
	}

	@Test
	void inspectingOnePluginLeavesTheOthersAsTheyAre() {
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(this.dir);
		PluginInspector inspector = new PluginInspector(registry, this.calls, Duration.ofSeconds(5));
		registry.registerPluginManager("stt", TestPluginManager.of(plugins("x", "live", "y")));
		inspector.inspectAll(1.0);
		assertThat(inspector.inspect("stt_y", 1.0)).hasValueSatisfying(
				(report) -> assertThat(report.metadata().uniqueId()).isEqualTo("stt_y"));
		assertThat(ids(inspector.inspectAll(1.0))).containsExactly("stt_x", "stt_live", "stt_y");
		assertThat(inspector.inspectAll(1.0).managedPids()).containsOnlyKeys("stt_live");
	}

	/** Plugins by name; the one named "live" manages this JVM, the others are not loaded. */
	private static Map<String, Object> plugins(String... names) {
		Map<String, Object> plugins = new LinkedHashMap<>();
		for (String name : names) {
			plugins.put(name, name.equals("live") ? new TestPlugins.Lifecycle(() -> List.of(PID)) : null);
		}
		return plugins;
	}

	private static List<String> ids(PluginInspection inspection) {
		return inspection.plugins().stream().map(PluginReport::metadata).map(PluginMetadata::uniqueId).toList();
	}

	@Test
	void callersWaitingOnAnInspectionShareTheNextOne() throws Exception {
		PluginInspector.Batcher batcher = new PluginInspector.Batcher();
		CountDownLatch firstStarted = new CountDownLatch(1);
		CountDownLatch releaseFirst = new CountDownLatch(1);
		AtomicInteger computations = new AtomicInteger();
		PluginInspection answer = new PluginInspection(1.0, List.of());
		Supplier<PluginInspection> compute = () -> {
			if (computations.incrementAndGet() == 1) {
				firstStarted.countDown();
				await(releaseFirst);
			}
			return answer;
		};
		int waiters = 7;
		ExecutorService pool = Executors.newFixedThreadPool(waiters + 1);
		try {
			Future<PluginInspection> first = pool.submit(() -> batcher.get(compute));
			assertThat(firstStarted.await(30, TimeUnit.SECONDS)).isTrue();
			List<Thread> threads = new CopyOnWriteArrayList<>();
			List<Future<PluginInspection>> later = new ArrayList<>();
			for (int i = 0; i < waiters; i++) {
				later.add(pool.submit(() -> {
					threads.add(Thread.currentThread());
					return batcher.get(compute);
				}));
			}
			// Every later caller arrived while the first inspection ran, and waits for it.
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
			while ((threads.size() < waiters || !threads.stream().allMatch((t) -> t.getState() == Thread.State.WAITING))
					&& System.nanoTime() < deadline) {
				Thread.sleep(5);
			}
			releaseFirst.countDown();
			assertThat(first.get(30, TimeUnit.SECONDS)).isSameAs(answer);
			for (Future<PluginInspection> result : later) {
				assertThat(result.get(30, TimeUnit.SECONDS)).isSameAs(answer);
			}
		}
		finally {
			pool.shutdownNow();
		}
		// The first, and one that started after all the others had arrived.
		assertThat(computations.get()).isEqualTo(2);
		assertThat(batcher.isIdle()).isTrue();
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Test
	void aCallerSeesAChangeMadeBeforeItsCall() {
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(this.dir);
		registry.registerPluginManager("llm", () -> List.of(PluginDescriptor.builder("gpt").build()));
		PluginInspector inspector = new PluginInspector(registry, this.calls, Duration.ofSeconds(5));
		assertThat(inspector.inspectAll(1.0).stats().configured()).isZero();
		registry.savePluginConfig("llm_gpt", Map.of("k", "v"));
		assertThat(inspector.inspectAll(1.0).stats().configured()).isEqualTo(1);
	}

	@Test
	void distinctDurationsLeaveNoStateBehind() {
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(this.dir);
		registry.registerPluginManager("llm", new PluginManager() {

			@Override
			public List<PluginDescriptor> discoverPlugins() {
				return List.of(PluginDescriptor.builder("one").build());
			}

		});
		PluginInspector inspector = new PluginInspector(registry, this.calls, Duration.ofSeconds(5));
		for (int i = 1; i <= 10_000; i++) {
			assertThat(inspector.inspectAll(i / 7.0).plugins()).hasSize(1);
		}
		assertThat(inspector.batchCount()).isZero();
	}

	@Test
	void durationsBeyondTheLimitAreRejectedNamingIt() {
		PluginInspector inspector = new PluginInspector(new UnifiedPluginRegistry(this.dir), this.calls,
				Duration.ofSeconds(5));
		for (double hours : new double[] { 1e308, PluginInspector.MAX_HOURS * 1.0001, 0, Double.NaN }) {
			assertThatIllegalArgumentException().isThrownBy(() -> inspector.inspectAll(hours))
				.withMessageContaining("at most 876000");
		}
		assertThat(inspector.inspectAll(PluginInspector.MAX_HOURS).plugins()).isEmpty();
	}

}
