package dev.unifiedplugins.cost;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import dev.unifiedplugins.concurrent.BoundedCalls;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.cost.CloudCostGuard.BudgetAction;
import dev.unifiedplugins.cost.CloudCostGuard.Settings;
import dev.unifiedplugins.cost.CloudCostGuard.Termination;
import dev.unifiedplugins.protocols.PluginCloudResourceTerminated;
import dev.unifiedplugins.protocols.PluginCloudResourceTerminated.Reason;
import dev.unifiedplugins.shutdown.PluginShutdown;
import dev.unifiedplugins.testsupport.MutableClock;
import dev.unifiedplugins.testsupport.SimulatedCloudPlugin;
import dev.unifiedplugins.testsupport.TestPluginManager;
import dev.unifiedplugins.testsupport.TestPlugins;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link BeforeTerminateHook}: every path that terminates a cloud resource (the
 * guard's idle, lifetime and budget limits, shutdown, an operator) gives the plugin its
 * last word first, and goes on when the hook returns, throws or runs past its bound; the
 * event says whether it finished.
 */
class BeforeTerminateHookTests {

	private static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);

	private static final Duration HOOK_TIMEOUT = Duration.ofMillis(300);

	@TempDir
	Path dir;

	private final BoundedCalls calls = new BoundedCalls("test-hook-", 4);

	private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	private final CountDownLatch release = new CountDownLatch(1);

	private final List<PluginCloudResourceTerminated> events = new CopyOnWriteArrayList<>();

	private final List<String> order = new CopyOnWriteArrayList<>();

	private final SimulatedCloudPlugin gpu = new SimulatedCloudPlugin(3.0);

	@AfterEach
	void tearDown() {
		this.release.countDown();
		this.calls.close();
	}

	@Test
	void theHookRunsBeforeTheTerminationAndTheEventSaysItFinished() {
		record();
		CloudCostGuard guard = guard(new Settings(Duration.ofMinutes(10), null, null, BudgetAction.WARN, CALL_TIMEOUT));
		this.gpu.lastActivity = this.clock.instant();
		guard.check();
		this.clock.advance(Duration.ofMinutes(10));
		CloudCostGuard.Status status = guard.check();
		assertThat(this.order).containsExactly("beforeTerminate(IDLE)", "terminateRemoteResource");
		assertThat(this.events)
			.containsExactly(new PluginCloudResourceTerminated("cloud_gpu", Reason.IDLE, 3.0, true, true));
		assertThat(status.lastTerminations().get("cloud_gpu").beforeTerminateFinished()).isTrue();
	}

	@Test
	void aHookPastItsTimeoutDelaysTheTerminationByTheTimeoutOnly() {
		this.gpu.onBeforeTerminate = (reason) -> TestPlugins.hangIgnoringInterrupts(this.release);
		CloudCostGuard guard = guard(new Settings(null, Duration.ofMinutes(1), null, BudgetAction.WARN, CALL_TIMEOUT));
		guard.check();
		this.clock.advance(Duration.ofMinutes(1));
		long start = System.nanoTime();
		CloudCostGuard.Status status = guard.check();
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		assertThat(took).isGreaterThanOrEqualTo(HOOK_TIMEOUT).isLessThan(HOOK_TIMEOUT.plusSeconds(10));
		assertThat(this.gpu.terminations).hasValue(1);
		assertThat(this.events)
			.containsExactly(new PluginCloudResourceTerminated("cloud_gpu", Reason.LIFETIME, 3.0, true, false));
		Termination last = status.lastTerminations().get("cloud_gpu");
		assertThat(last.succeeded()).isTrue();
		assertThat(last.beforeTerminateFinished()).isFalse();
	}

	@Test
	void aHookThatThrowsDoesNotStopTheTermination() {
		this.gpu.onBeforeTerminate = (reason) -> {
			throw new IllegalStateException("checkpoint store down");
		};
		CloudCostGuard guard = guard(new Settings(null, Duration.ofMinutes(1), null, BudgetAction.WARN, CALL_TIMEOUT));
		guard.check();
		this.clock.advance(Duration.ofMinutes(1));
		guard.check();
		assertThat(this.gpu.terminations).hasValue(1);
		assertThat(this.events)
			.containsExactly(new PluginCloudResourceTerminated("cloud_gpu", Reason.LIFETIME, 3.0, true, false));
	}

	@Test
	void theBudgetsTerminationsCallTheHook() {
		record();
		CloudCostGuard guard = guard(new Settings(null, null, 1.0, BudgetAction.TERMINATE, CALL_TIMEOUT));
		guard.check();
		assertThat(this.order).containsExactly("beforeTerminate(BUDGET)", "terminateRemoteResource");
		assertThat(this.events)
			.containsExactly(new PluginCloudResourceTerminated("cloud_gpu", Reason.BUDGET, 3.0, true, true));
	}

	@Test
	void theShutdownsTerminationsCallTheHook() {
		record();
		PluginShutdown shutdown = shutdown(Duration.ofSeconds(5));
		assertThat(shutdown.run(false, true)).isEmpty();
		assertThat(this.order).containsExactly("beforeTerminate(SHUTDOWN)", "terminateRemoteResource");
		assertThat(this.events)
			.containsExactly(new PluginCloudResourceTerminated("cloud_gpu", Reason.SHUTDOWN, 3.0, true, true));
	}

	@Test
	void atShutdownAHookThatHangsLeavesTheTerminationHalfOfTheCleanupsTime() {
		this.gpu.onBeforeTerminate = (reason) -> TestPlugins.hangIgnoringInterrupts(this.release);
		PluginShutdown shutdown = shutdown(Duration.ofSeconds(2));
		shutdown.setBeforeTerminateTimeout(Duration.ofSeconds(30));
		assertThat(shutdown.run(false, true)).isEmpty();
		assertThat(this.gpu.terminations).hasValue(1);
		assertThat(this.events)
			.containsExactly(new PluginCloudResourceTerminated("cloud_gpu", Reason.SHUTDOWN, 3.0, true, false));
	}

	@Test
	void anOperatorsTerminationCallsTheHookAndWaitsForItBeyondTheCallTimeout() {
		this.gpu.onBeforeTerminate = (reason) -> {
			this.order.add("beforeTerminate(" + reason + ")");
			sleep(HOOK_TIMEOUT.dividedBy(2));
		};
		this.gpu.onTerminate = () -> this.order.add("terminateRemoteResource");
		PluginShutdown shutdown = shutdown(Duration.ofSeconds(5));
		// A call timeout shorter than the hook: the hook's own bound comes on top of it.
		assertThat(shutdown.cleanUp("cloud_gpu", HOOK_TIMEOUT.dividedBy(3)).terminated()).isTrue();
		assertThat(this.order).containsExactly("beforeTerminate(OPERATOR)", "terminateRemoteResource");
		assertThat(this.events)
			.containsExactly(new PluginCloudResourceTerminated("cloud_gpu", Reason.OPERATOR, 3.0, true, true));
	}

	private void record() {
		this.gpu.onBeforeTerminate = (reason) -> this.order.add("beforeTerminate(" + reason + ")");
		this.gpu.onTerminate = () -> this.order.add("terminateRemoteResource");
	}

	private CloudCostGuard guard(Settings settings) {
		CloudCostGuard guard = new CloudCostGuard(registry(), this.calls, this.clock, settings, null);
		guard.setBeforeTerminateTimeout(HOOK_TIMEOUT);
		guard.addListener(this.events::add);
		return guard;
	}

	private PluginShutdown shutdown(Duration timeout) {
		PluginShutdown shutdown = new PluginShutdown(registry(), this.calls, timeout,
				(event, error) -> this.events.add(event));
		shutdown.setBeforeTerminateTimeout(HOOK_TIMEOUT);
		return shutdown;
	}

	private UnifiedPluginRegistry registry() {
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(this.dir);
		registry.registerPluginManager("cloud", TestPluginManager.of(Map.of("gpu", this.gpu)));
		return registry;
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
