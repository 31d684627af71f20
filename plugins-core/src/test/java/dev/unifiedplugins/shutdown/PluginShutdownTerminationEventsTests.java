package dev.unifiedplugins.shutdown;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.unifiedplugins.concurrent.BoundedCalls;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.cost.CloudCostGuard;
import dev.unifiedplugins.cost.CloudCostGuard.Settings;
import dev.unifiedplugins.cost.CloudCostGuard.Termination;
import dev.unifiedplugins.protocols.PluginCloudResourceTerminated;
import dev.unifiedplugins.protocols.PluginCloudResourceTerminated.Reason;
import dev.unifiedplugins.testsupport.MutableClock;
import dev.unifiedplugins.testsupport.SimulatedCloudPlugin;
import dev.unifiedplugins.testsupport.TestPluginManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cloud resources {@link PluginShutdown} terminates are told as
 * {@link PluginCloudResourceTerminated} events, {@code SHUTDOWN} when the application stops
 * and {@code OPERATOR} on request, and through a {@link CloudCostGuard} reach its listeners
 * and its status like its own terminations.
 */
class PluginShutdownTerminationEventsTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	@TempDir
	Path dir;

	private final BoundedCalls calls = new BoundedCalls("test-events-", 4);

	private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	private final List<PluginCloudResourceTerminated> events = new CopyOnWriteArrayList<>();

	private final List<String> errors = new CopyOnWriteArrayList<>();

	@AfterEach
	void tearDown() {
		this.calls.close();
	}

	@Test
	void eachRunningResourceTerminatedAtShutdownIsToldWithReasonShutdown() {
		SimulatedCloudPlugin gpu = new SimulatedCloudPlugin(3.0);
		SimulatedCloudPlugin stopped = new SimulatedCloudPlugin(2.0);
		stopped.running = false;
		PluginShutdown shutdown = new PluginShutdown(registry(Map.of("gpu", gpu, "stopped", stopped)), this.calls,
				TIMEOUT, this::told);

		assertThat(shutdown.run(false, true)).isEmpty();

		assertThat(this.events).containsExactly(new PluginCloudResourceTerminated("cloud_gpu", Reason.SHUTDOWN, 3.0, true));
		assertThat(this.errors).containsExactly("none");
		assertThat(stopped.terminations).hasValue(0);
	}

	@Test
	void aTerminationThatFailsAtShutdownIsToldAsFailedWithItsError() {
		SimulatedCloudPlugin gpu = new SimulatedCloudPlugin(3.0);
		gpu.failures = 1;
		PluginShutdown shutdown = new PluginShutdown(registry(Map.of("gpu", gpu)), this.calls, TIMEOUT, this::told);

		assertThat(shutdown.run(false, true)).containsOnlyKeys("cloud_gpu");

		assertThat(this.events).containsExactly(new PluginCloudResourceTerminated("cloud_gpu", Reason.SHUTDOWN, 3.0, false));
		assertThat(this.errors).singleElement().asString().contains("simulated outage");
	}

	@Test
	void nothingIsToldWhenTheShutdownLeavesCloudResourcesRunning() {
		SimulatedCloudPlugin gpu = new SimulatedCloudPlugin(3.0);
		new PluginShutdown(registry(Map.of("gpu", gpu)), this.calls, TIMEOUT, this::told).run(true, false);
		assertThat(this.events).isEmpty();
		assertThat(gpu.terminations).hasValue(0);
	}

	@Test
	void anOperatorsCleanupIsToldWithReasonOperator() {
		SimulatedCloudPlugin gpu = new SimulatedCloudPlugin(3.0);
		PluginShutdown shutdown = new PluginShutdown(registry(Map.of("gpu", gpu)), this.calls, TIMEOUT, this::told);

		assertThat(shutdown.cleanUp("cloud_gpu", TIMEOUT).terminated()).isTrue();

		assertThat(this.events).containsExactly(new PluginCloudResourceTerminated("cloud_gpu", Reason.OPERATOR, 3.0, true));
	}

	@Test
	void throughTheGuardTheyReachItsListenersStatusAndEndTheAccrual() {
		SimulatedCloudPlugin gpu = new SimulatedCloudPlugin(3.0);
		UnifiedPluginRegistry registry = registry(Map.of("gpu", gpu));
		CloudCostGuard guard = new CloudCostGuard(registry, this.calls, this.clock, Settings.accrueOnly(TIMEOUT),
				null);
		guard.addListener(this.events::add);
		guard.check();
		this.clock.advance(Duration.ofHours(1));
		guard.check();
		PluginShutdown shutdown = new PluginShutdown(registry, this.calls, TIMEOUT, guard::recordTermination);

		shutdown.cleanUp("cloud_gpu", TIMEOUT);

		assertThat(this.events).containsExactly(new PluginCloudResourceTerminated("cloud_gpu", Reason.OPERATOR, 3.0, true));
		Termination last = guard.status().lastTerminations().get("cloud_gpu");
		assertThat(last).isEqualTo(new Termination(this.clock.instant(), Reason.OPERATOR, 3.0, true, null));
		// The same resource seen running again: had the termination not ended its accrual,
		// this hour would count.
		gpu.running = true;
		this.clock.advance(Duration.ofHours(1));
		assertThat(guard.check().accruedUsd()).as("the terminated resource accrues no more").isEqualTo(3.0);
	}

	private void told(PluginCloudResourceTerminated event, String error) {
		this.events.add(event);
		this.errors.add((error != null) ? error : "none");
	}

	private UnifiedPluginRegistry registry(Map<String, SimulatedCloudPlugin> plugins) {
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(this.dir);
		registry.registerPluginManager("cloud", TestPluginManager.of(plugins));
		return registry;
	}

}
