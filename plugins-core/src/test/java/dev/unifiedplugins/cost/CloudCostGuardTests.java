package dev.unifiedplugins.cost;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.unifiedplugins.concurrent.BoundedCalls;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.cost.CloudCostGuard.BudgetAction;
import dev.unifiedplugins.cost.CloudCostGuard.BudgetExceeded;
import dev.unifiedplugins.cost.CloudCostGuard.Settings;
import dev.unifiedplugins.cost.CloudCostGuard.Status;
import dev.unifiedplugins.protocols.PluginCloudResourceTerminated;
import dev.unifiedplugins.protocols.PluginCloudResourceTerminated.Reason;
import dev.unifiedplugins.testsupport.MutableClock;
import dev.unifiedplugins.testsupport.SimulatedCloudPlugin;
import dev.unifiedplugins.testsupport.TestPluginManager;
import dev.unifiedplugins.testsupport.TestPlugins;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Tests for {@link CloudCostGuard} with simulated cloud resources and a clock the test
 * moves: cost accrues while resources run, and each limit terminates a resource once, at
 * the first check after it is reached.
 */
class CloudCostGuardTests {

	private static final Duration CHECK = Duration.ofSeconds(30);

	@TempDir
	Path dir;

	private final BoundedCalls calls = new BoundedCalls("test-cost-", 4);

	private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	private final List<PluginCloudResourceTerminated> events = new ArrayList<>();

	@AfterEach
	void tearDown() {
		this.calls.close();
	}

	@Test
	void costAccruesWhileResourcesRunPerPluginAndInTotal() {
		SimulatedCloudPlugin a = new SimulatedCloudPlugin(2.0);
		SimulatedCloudPlugin b = new SimulatedCloudPlugin(4.0);
		CloudCostGuard guard = guard(Settings.accrueOnly(Duration.ofSeconds(2)), Map.of("a", a, "b", b));
		guard.check();
		this.clock.advance(Duration.ofMinutes(30));
		guard.check();
		b.running = false;
		this.clock.advance(Duration.ofMinutes(30));
		Status status = guard.check();
		assertThat(status.accruedByPlugin().get("cloud_a")).isCloseTo(2.0, within(1e-9));
		assertThat(status.accruedByPlugin().get("cloud_b")).isCloseTo(2.0, within(1e-9));
		assertThat(status.accruedUsd()).isCloseTo(4.0, within(1e-9));
		assertThat(status.hourlyUsd()).isEqualTo(2.0);
		assertThat(status.budget()).isNull();
		assertThat(this.events).isEmpty();
	}

	@Test
	void idleResourceIsTerminatedOnceAtTheFirstCheckAfterTheIdleTimeout() {
		SimulatedCloudPlugin llm = new SimulatedCloudPlugin(3.0);
		llm.lastActivity = this.clock.instant();
		CloudCostGuard guard = guard(new Settings(Duration.ofMinutes(10), null, null, BudgetAction.WARN,
				Duration.ofSeconds(2)), Map.of("llm", llm));
		guard.check();
		this.clock.advance(Duration.ofMinutes(5));
		llm.lastActivity = this.clock.instant();
		for (int i = 0; i < 19; i++) {
			this.clock.advance(CHECK);
			guard.check();
		}
		assertThat(llm.terminations.get()).as("idle 9.5 minutes").isZero();
		this.clock.advance(CHECK);
		Status status = guard.check();
		assertThat(llm.terminations.get()).isOne();
		assertThat(this.events).containsExactly(new PluginCloudResourceTerminated("cloud_llm", Reason.IDLE, 3.0, true));
		assertThat(status.lastTerminations().get("cloud_llm")).satisfies((termination) -> {
			assertThat(termination.at()).isEqualTo(this.clock.instant());
			assertThat(termination.reason()).isEqualTo(Reason.IDLE);
			assertThat(termination.succeeded()).isTrue();
			assertThat(termination.error()).isNull();
		});
		this.clock.advance(CHECK);
		guard.check();
		assertThat(llm.terminations.get()).isOne();
		assertThat(this.events).hasSize(1);
	}

	@Test
	void resourceWithoutKnownActivityIsNeverIdle() {
		SimulatedCloudPlugin llm = new SimulatedCloudPlugin(3.0);
		CloudCostGuard guard = guard(new Settings(Duration.ofMinutes(1), null, null, BudgetAction.WARN,
				Duration.ofSeconds(2)), Map.of("llm", llm));
		guard.check();
		this.clock.advance(Duration.ofHours(5));
		guard.check();
		assertThat(llm.terminations.get()).isZero();
	}

	@Test
	void activityBeforeTheResourceWasSeenRunningDoesNotShortenItsIdleTimeout() {
		SimulatedCloudPlugin llm = new SimulatedCloudPlugin(3.0);
		llm.lastActivity = this.clock.instant().minus(Duration.ofHours(1));
		CloudCostGuard guard = guard(new Settings(Duration.ofMinutes(10), null, null, BudgetAction.WARN,
				Duration.ofSeconds(2)), Map.of("llm", llm));
		guard.check();
		assertThat(llm.terminations.get()).isZero();
		this.clock.advance(Duration.ofMinutes(10));
		guard.check();
		assertThat(llm.terminations.get()).isOne();
	}

	@Test
	void resourceIsTerminatedOnceWhenItReachesItsMaximumLifetime() {
		SimulatedCloudPlugin llm = new SimulatedCloudPlugin(3.0);
		CloudCostGuard guard = guard(new Settings(null, Duration.ofHours(1), null, BudgetAction.WARN,
				Duration.ofSeconds(2)), Map.of("llm", llm));
		guard.check();
		for (int i = 0; i < 119; i++) {
			this.clock.advance(CHECK);
			llm.lastActivity = this.clock.instant();
			guard.check();
		}
		assertThat(llm.terminations.get()).isZero();
		this.clock.advance(CHECK);
		Status status = guard.check();
		assertThat(llm.terminations.get()).isOne();
		assertThat(this.events).containsExactly(
				new PluginCloudResourceTerminated("cloud_llm", Reason.LIFETIME, 3.0, true));
		assertThat(status.accruedUsd()).isCloseTo(3.0, within(1e-9));
		assertThat(status.hourlyUsd()).isZero();
		this.clock.advance(CHECK);
		guard.check();
		assertThat(this.events).hasSize(1);
	}

	@Test
	void anotherResourceOfThePluginStartsANewLifetime() {
		SimulatedCloudPlugin llm = new SimulatedCloudPlugin(3.0);
		CloudCostGuard guard = guard(new Settings(null, Duration.ofHours(1), null, BudgetAction.WARN,
				Duration.ofSeconds(2)), Map.of("llm", llm));
		guard.check();
		this.clock.advance(Duration.ofMinutes(50));
		llm.instanceId = "i-2";
		guard.check();
		this.clock.advance(Duration.ofMinutes(50));
		guard.check();
		assertThat(llm.terminations.get()).isZero();
	}

	@Test
	void budgetWarnReportsTheExcessOnceAndTerminatesNothing() {
		List<BudgetExceeded> exceeded = new ArrayList<>();
		SimulatedCloudPlugin a = new SimulatedCloudPlugin(6.0);
		SimulatedCloudPlugin b = new SimulatedCloudPlugin(5.0);
		CloudCostGuard guard = guard(new Settings(null, null, 10.0, BudgetAction.WARN, Duration.ofSeconds(2)),
				Map.of("a", a, "b", b));
		guard.addBudgetListener(exceeded::add);
		Status status = guard.check();
		this.clock.advance(CHECK);
		guard.check();
		assertThat(status.budget()).isEqualTo(new CloudCostGuard.Budget(10.0, true, BudgetAction.WARN, 11.0));
		assertThat(exceeded).containsExactly(new BudgetExceeded(11.0, 10.0, BudgetAction.WARN));
		assertThat(a.terminations.get() + b.terminations.get()).isZero();
		b.running = false;
		this.clock.advance(CHECK);
		assertThat(guard.check().budget().exceeded()).isFalse();
	}

	@Test
	void budgetTerminateEndsTheMostExpensiveResourcesUntilTheRestFit() {
		SimulatedCloudPlugin small = new SimulatedCloudPlugin(2.0);
		SimulatedCloudPlugin large = new SimulatedCloudPlugin(7.0);
		SimulatedCloudPlugin medium = new SimulatedCloudPlugin(4.0);
		Map<String, Object> plugins = new LinkedHashMap<>();
		plugins.put("small", small);
		plugins.put("large", large);
		plugins.put("medium", medium);
		CloudCostGuard guard = guard(new Settings(null, null, 7.0, BudgetAction.TERMINATE, Duration.ofSeconds(2)),
				plugins);
		Status status = guard.check();
		assertThat(large.terminations.get()).isOne();
		assertThat(small.terminations.get() + medium.terminations.get()).isZero();
		assertThat(this.events).containsExactly(new PluginCloudResourceTerminated("cloud_large", Reason.BUDGET, 7.0, true));
		assertThat(status.budget().exceeded()).isFalse();
		assertThat(status.hourlyUsd()).isEqualTo(6.0);
		this.clock.advance(CHECK);
		guard.check();
		assertThat(this.events).hasSize(1);
	}

	@Test
	void failedTerminationIsShownAndTriedAgainAtTheNextCheck() {
		SimulatedCloudPlugin llm = new SimulatedCloudPlugin(3.0);
		llm.failures = 1;
		CloudCostGuard guard = guard(new Settings(null, Duration.ofMinutes(1), null, BudgetAction.WARN,
				Duration.ofSeconds(2)), Map.of("llm", llm));
		guard.check();
		this.clock.advance(Duration.ofMinutes(1));
		Status failed = guard.check();
		assertThat(failed.lastTerminations().get("cloud_llm").succeeded()).isFalse();
		assertThat(failed.lastTerminations().get("cloud_llm").error()).contains("terminateRemoteResource()")
			.contains("simulated outage");
		assertThat(failed.hourlyUsd()).isEqualTo(3.0);
		this.clock.advance(CHECK);
		Status retried = guard.check();
		assertThat(retried.lastTerminations().get("cloud_llm").succeeded()).isTrue();
		assertThat(this.events).containsExactly(
				new PluginCloudResourceTerminated("cloud_llm", Reason.LIFETIME, 3.0, false),
				new PluginCloudResourceTerminated("cloud_llm", Reason.LIFETIME, 3.0, true));
	}

	@Test
	void hungTerminationIsBoundedAndNeverThrows() {
		CountDownLatch release = new CountDownLatch(1);
		SimulatedCloudPlugin llm = new SimulatedCloudPlugin(3.0) {
			@Override
			public boolean terminateRemoteResource() {
				TestPlugins.hangIgnoringInterrupts(release);
				return true;
			}
		};
		CloudCostGuard guard = guard(new Settings(null, Duration.ofMinutes(1), null, BudgetAction.WARN,
				Duration.ofMillis(200)), Map.of("llm", llm));
		guard.check();
		this.clock.advance(Duration.ofMinutes(1));
		long start = System.nanoTime();
		Status status = guard.check();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
		assertThat(status.lastTerminations().get("cloud_llm").error()).contains("did not answer within 200ms");
		this.clock.advance(CHECK);
		guard.check();
		release.countDown();
	}

	@Test
	void theTerminationsOfOneCheckRunAtOnceSoAHungOneHoldsUpNoOther() {
		// Each termination waits until both have started: done one after the other, the
		// first would give up waiting and fail.
		CountDownLatch bothStarted = new CountDownLatch(2);
		Map<String, SimulatedCloudPlugin> plugins = SimulatedCloudPlugin.priced("a", 1.0, "b", 2.0);
		plugins.values().forEach((plugin) -> plugin.onTerminate = () -> awaitTheOther(bothStarted));
		CloudCostGuard guard = guard(new Settings(null, Duration.ofMinutes(1), null, BudgetAction.WARN,
				Duration.ofSeconds(30)), plugins);
		guard.check();
		this.clock.advance(Duration.ofMinutes(1));
		Status status = guard.check();
		assertThat(status.lastTerminations()).containsOnlyKeys("cloud_a", "cloud_b");
		assertThat(status.lastTerminations().values()).allMatch(CloudCostGuard.Termination::succeeded);
		assertThat(status.hourlyUsd()).isZero();
		assertThat(this.events).extracting(PluginCloudResourceTerminated::uniqueId)
			.containsExactlyInAnyOrder("cloud_a", "cloud_b");
	}

	@Test
	void theBudgetsTerminationsRunAtOnceToo() {
		CountDownLatch bothStarted = new CountDownLatch(2);
		Map<String, SimulatedCloudPlugin> plugins = SimulatedCloudPlugin.priced("small", 1.0, "large", 7.0,
				"medium", 4.0);
		plugins.get("large").onTerminate = () -> awaitTheOther(bothStarted);
		plugins.get("medium").onTerminate = () -> awaitTheOther(bothStarted);
		CloudCostGuard guard = guard(new Settings(null, null, 2.0, BudgetAction.TERMINATE, Duration.ofSeconds(30)),
				plugins);
		Status status = guard.check();
		assertThat(plugins.get("large").terminations.get() + plugins.get("medium").terminations.get()).isEqualTo(2);
		assertThat(plugins.get("small").terminations.get()).isZero();
		assertThat(status.hourlyUsd()).isEqualTo(1.0);
		assertThat(status.budget().exceeded()).isFalse();
	}

	private static void awaitTheOther(CountDownLatch bothStarted) {
		bothStarted.countDown();
		try {
			if (!bothStarted.await(20, TimeUnit.SECONDS)) {
				throw new IllegalStateException("the other termination never started");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Test
	void leavingTheFleetWaitsForACheckWhoseListenerHangsOnlyAsLongAsTheCallTimeout() throws Exception {
		CountDownLatch inListener = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		CloudCostGuard guard = guard(new Settings(null, Duration.ofMinutes(1), null, BudgetAction.WARN,
				Duration.ofMillis(200)), SimulatedCloudPlugin.priced("llm", 3.0));
		guard.addListener((event) -> {
			inListener.countDown();
			TestPlugins.hangIgnoringInterrupts(release);
		});
		guard.check();
		this.clock.advance(Duration.ofMinutes(1));
		ExecutorService threads = Executors.newFixedThreadPool(2);
		try {
			threads.submit(guard::check);
			assertThat(inListener.await(10, TimeUnit.SECONDS)).isTrue();
			Future<?> leaving = threads.submit(guard::leaveFleet);
			assertThat(leaving.get(10, TimeUnit.SECONDS)).as("left while the check still runs").isNull();
			assertThat(release.getCount()).isOne();
		}
		finally {
			release.countDown();
			threads.shutdown();
		}
	}

	@Test
	void pluginThatThrowsKeepsItsAccruedCostAndAffectsNoOther() {
		SimulatedCloudPlugin good = new SimulatedCloudPlugin(1.0);
		AtomicBoolean failing = new AtomicBoolean();
		SimulatedCloudPlugin bad = new SimulatedCloudPlugin(1.0) {
			@Override
			public double estimateCost(double durationHours) {
				if (failing.get()) {
					throw new IllegalStateException("boom");
				}
				return super.estimateCost(durationHours);
			}
		};
		CloudCostGuard guard = guard(Settings.accrueOnly(Duration.ofSeconds(2)), Map.of("good", good, "bad", bad));
		guard.check();
		this.clock.advance(Duration.ofHours(1));
		guard.check();
		failing.set(true);
		this.clock.advance(Duration.ofHours(1));
		Status status = guard.check();
		assertThat(status.accruedByPlugin()).containsOnlyKeys("cloud_good", "cloud_bad");
		assertThat(status.accruedByPlugin().get("cloud_bad")).as("kept from before it threw").isCloseTo(1.0, within(1e-9));
		assertThat(status.accruedByPlugin().get("cloud_good")).isCloseTo(2.0, within(1e-9));
	}

	@Test
	void pluginsNoLongerRegisteredKeepTheirShareOfTheTotalAndNoEntryOfTheirOwn() {
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(this.dir);
		CloudCostGuard guard = new CloudCostGuard(registry, this.calls, this.clock,
				Settings.accrueOnly(Duration.ofSeconds(2)), null);
		for (int i = 0; i < 1_000; i++) {
			// Each round, the category's plugin is another one, as JARs replaced by others make it.
			SimulatedCloudPlugin gpu = new SimulatedCloudPlugin(1.0);
			registry.registerPluginManager("cloud", TestPluginManager.of(Map.of("gpu" + i, gpu)));
			guard.check();
			this.clock.advance(Duration.ofMinutes(30));
			guard.check();
			gpu.running = false;
			guard.recordTermination(new PluginCloudResourceTerminated("cloud_gpu" + i, Reason.OPERATOR, 1.0, true),
					null);
		}
		registry.registerPluginManager("cloud", TestPluginManager.of());
		Status status = guard.check();
		assertThat(status.accruedUsd()).isCloseTo(500.0, within(1e-6));
		assertThat(status.accruedByPlugin()).isEmpty();
		assertThat(status.lastTerminations()).isEmpty();
	}

	private CloudCostGuard guard(Settings settings, Map<String, ?> plugins) {
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(this.dir);
		registry.registerPluginManager("cloud", TestPluginManager.of(plugins));
		CloudCostGuard guard = new CloudCostGuard(registry, this.calls, this.clock, settings, null);
		guard.addListener(this.events::add);
		return guard;
	}

}
