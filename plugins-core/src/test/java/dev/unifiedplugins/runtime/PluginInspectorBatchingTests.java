package dev.unifiedplugins.runtime;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.core.PluginManager;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Concurrent inspections share work without serving a caller an answer that began before
 * its call.
 */
class PluginInspectorBatchingTests {

	@TempDir
	Path dir;

	private final BoundedCalls calls = new BoundedCalls("test-", 4);

	@AfterEach
	void close() {
		this.calls.close();
	}

	@Test
	void concurrentCallersShareInspections() throws Exception {
		AtomicInteger lookups = new AtomicInteger();
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(this.dir);
		registry.registerPluginManager("slow", new PluginManager() {

			@Override
			public List<PluginDescriptor> discoverPlugins() {
				return List.of(PluginDescriptor.builder("one").build());
			}

			@Override
			public Optional<Object> getPlugin(String name) {
				lookups.incrementAndGet();
				try {
					Thread.sleep(100);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				return Optional.empty();
			}

		});
		PluginInspector inspector = new PluginInspector(registry, this.calls, Duration.ofSeconds(5));
		int callers = 8;
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService pool = Executors.newFixedThreadPool(callers);
		try {
			List<Future<PluginInspection>> results = new ArrayList<>();
			for (int i = 0; i < callers; i++) {
				results.add(pool.submit(() -> {
					start.await();
					return inspector.inspectAll(1.0);
				}));
			}
			start.countDown();
			for (Future<PluginInspection> result : results) {
				assertThat(result.get(30, TimeUnit.SECONDS).plugins()).hasSize(1);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(lookups.get()).isBetween(1, callers - 1);
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
