package dev.unifiedplugins.cost;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.unifiedplugins.concurrent.BoundedCalls;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.cost.CloudCostGuard.BudgetAction;
import dev.unifiedplugins.cost.CloudCostGuard.CategoryBudget;
import dev.unifiedplugins.cost.CloudCostGuard.Settings;
import dev.unifiedplugins.observation.PluginCallObserver;
import dev.unifiedplugins.protocols.CloudActivitySource;
import dev.unifiedplugins.protocols.PluginCloudResourceTerminated.Reason;
import dev.unifiedplugins.testsupport.LogCapture;
import dev.unifiedplugins.testsupport.MutableClock;
import dev.unifiedplugins.testsupport.SimulatedCloudPlugin;
import dev.unifiedplugins.testsupport.TestPluginManager;
import dev.unifiedplugins.testsupport.TestPlugins;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link CloudActivitySources} through a {@link CloudCostGuard} with a simulated
 * cloud resource and a clock the test moves: a source's later answer keeps an idle
 * resource, and a source that fails or hangs counts as activity now, its failure logged
 * once.
 */
class CloudActivitySourcesTests {

	private static final Duration IDLE = Duration.ofMinutes(10);

	private static final Duration CALL_TIMEOUT = Duration.ofMillis(300);

	@TempDir
	Path dir;

	private final BoundedCalls calls = new BoundedCalls("test-activity-", 4);

	private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	private final CountDownLatch release = new CountDownLatch(1);

	private final SimulatedCloudPlugin gpu = new SimulatedCloudPlugin(3.0);

	@AfterEach
	void tearDown() {
		this.release.countDown();
		this.calls.close();
	}

	@Test
	void aBusySourceKeepsAResourceWhosePluginSaysIdle() {
		CloudCostGuard guard = guard((id, plugin) -> Optional.of(this.clock.instant()));
		idleForAnHour(guard);
		assertThat(this.gpu.terminations).hasValue(0);
	}

	@Test
	void aBusySourceKeepsAResourceFromTheIdleLimitNotFromItsCategorysBudget() {
		List<Reason> lastWords = new CopyOnWriteArrayList<>();
		this.gpu.onBeforeTerminate = lastWords::add;
		CloudCostGuard guard = new CloudCostGuard(registry(), this.calls, this.clock, new Settings(IDLE, null, null,
				BudgetAction.WARN, CALL_TIMEOUT, Map.of("cloud", new CategoryBudget(1.0, BudgetAction.TERMINATE))), null);
		guard.setActivitySources(List.of((id, plugin) -> Optional.of(this.clock.instant())));
		guard.check();
		assertThat(this.gpu.terminations).hasValue(1);
		assertThat(lastWords).containsExactly(Reason.BUDGET);
	}

	@Test
	void theLatestAnswerWinsSoAnIdleSourceDoesNotShortenThePluginsActivity() {
		CloudCostGuard guard = guard((id, plugin) -> Optional.of(Instant.EPOCH), (id, plugin) -> Optional.empty());
		guard.check();
		this.clock.advance(IDLE.minusMinutes(1));
		this.gpu.lastActivity = this.clock.instant();
		this.clock.advance(IDLE.minusMinutes(1));
		guard.check();
		assertThat(this.gpu.terminations).hasValue(0);
		this.clock.advance(Duration.ofMinutes(1));
		guard.check();
		assertThat(this.gpu.terminations).hasValue(1);
	}

	@Test
	void aSourceMakesAResourceIdleWhoseOwnPluginCannotTell() {
		Instant seen = this.clock.instant();
		CloudCostGuard guard = guard((id, plugin) -> Optional.of(seen));
		guard.check();
		this.clock.advance(IDLE);
		guard.check();
		assertThat(this.gpu.terminations).hasValue(1);
	}

	@Test
	void aSourceThatThrowsKeepsTheResource() {
		CloudCostGuard guard = guard((id, plugin) -> {
			throw new IllegalStateException("metrics backend down");
		});
		idleForAnHour(guard);
		assertThat(this.gpu.terminations).hasValue(0);
	}

	@Test
	void aSourceThatHangsKeepsTheResourceAndTheCheckReturnsAfterAboutTheBound() {
		CloudCostGuard guard = guard((id, plugin) -> {
			TestPlugins.hangIgnoringInterrupts(this.release);
			return Optional.empty();
		});
		this.gpu.lastActivity = this.clock.instant();
		guard.check();
		this.clock.advance(Duration.ofHours(1));
		long start = System.nanoTime();
		guard.check();
		// Loose: the bound is 300 ms; a loaded machine may add a lot, never 30 s.
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(CALL_TIMEOUT.plusSeconds(10));
		assertThat(this.gpu.terminations).hasValue(0);
	}

	@Test
	void aFailingSourceIsLoggedOnceOverSeveralChecksAndAgainWhenItAnswers() {
		AtomicBoolean failing = new AtomicBoolean(true);
		CloudCostGuard guard = guard((id, plugin) -> {
			if (failing.get()) {
				throw new IllegalStateException("metrics backend down");
			}
			return Optional.empty();
		});
		try (LogCapture log = LogCapture.start()) {
			for (int i = 0; i < 4; i++) {
				guard.check();
				this.clock.advance(Duration.ofMinutes(1));
			}
			failing.set(false);
			guard.check();
			guard.check();
			assertThat(log.text().split("metrics backend down", -1)).as("one failure line").hasSize(2);
			assertThat(log.text()).contains("Cloud activity source #0").contains("about plugin 'cloud_gpu'");
			assertThat(log.text().split("answers again", -1)).as("one recovery line").hasSize(2);
		}
	}

	@Test
	void sourcesAreAskedInThePluginsLogContext() {
		List<String> contexts = new CopyOnWriteArrayList<>();
		ThreadLocal<String> context = new ThreadLocal<>();
		CloudCostGuard guard = guard((id, plugin) -> {
			contexts.add(context.get());
			return Optional.empty();
		});
		guard.setObserver(new PluginCallObserver() {
			@Override
			public <T> Callable<T> inContext(String uniqueId, String category, Callable<T> call) {
				return () -> {
					context.set(category + "/" + uniqueId);
					try {
						return call.call();
					}
					finally {
						context.remove();
					}
				};
			}
		});
		guard.check();
		assertThat(contexts).containsExactly("cloud/cloud_gpu");
	}

	@Test
	void sourcesAreNotAskedWithoutAnIdleTimeout() {
		List<String> asked = new CopyOnWriteArrayList<>();
		CloudCostGuard guard = new CloudCostGuard(registry(), this.calls, this.clock,
				Settings.accrueOnly(CALL_TIMEOUT), null);
		guard.setActivitySources(List.of((id, plugin) -> {
			asked.add(id);
			return Optional.empty();
		}));
		guard.check();
		assertThat(asked).isEmpty();
	}

	/** The plugin last active at the start, checked every minute for an hour. */
	private void idleForAnHour(CloudCostGuard guard) {
		this.gpu.lastActivity = this.clock.instant();
		for (int i = 0; i < 60; i++) {
			guard.check();
			this.clock.advance(Duration.ofMinutes(1));
		}
		guard.check();
	}

	private CloudCostGuard guard(CloudActivitySource... sources) {
		CloudCostGuard guard = new CloudCostGuard(registry(), this.calls, this.clock,
				new Settings(IDLE, null, null, BudgetAction.WARN, CALL_TIMEOUT), null);
		guard.setActivitySources(List.of(sources));
		return guard;
	}

	private UnifiedPluginRegistry registry() {
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(this.dir);
		registry.registerPluginManager("cloud", TestPluginManager.of(Map.of("gpu", this.gpu)));
		return registry;
	}

}
