package dev.unifiedplugins.shutdown;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import dev.unifiedplugins.concurrent.BoundedCalls;
import dev.unifiedplugins.core.CloudProviderType;
import dev.unifiedplugins.core.RemoteResourceInfo;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.protocols.CloudAwarePlugin;
import dev.unifiedplugins.testsupport.ChildProcesses;
import dev.unifiedplugins.testsupport.TestPluginManager;
import dev.unifiedplugins.testsupport.TestPlugins;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests for {@link PluginShutdown#cleanUp(String, Duration)}: one plugin's resources
 * stopped on request, with real child processes.
 */
class PluginShutdownCleanUpTests {

	private static final Duration TIMEOUT = Duration.ofMillis(500);

	@TempDir
	Path dir;

	private final ChildProcesses processes = new ChildProcesses();

	private final BoundedCalls calls = new BoundedCalls("test-cleanup-", 4);

	private final CountDownLatch release = new CountDownLatch(1);

	@BeforeAll
	static void requireProcfs() {
		assumeTrue(ChildProcesses.hasProcfs(), "needs /proc to tell zombies from live processes");
	}

	@AfterEach
	void tearDown() {
		this.release.countDown();
		this.calls.close();
		this.processes.killAll();
	}

	@Test
	void aCleanupThatEndsItsProcessReportsItCleanedUpAndNothingLeftOver() throws Exception {
		Process sleep = this.processes.startSleep();
		PluginShutdown shutdown = shutdown(Map.of("worker", new TestPlugins.ProcessPlugin(sleep, (process) -> {
			process.destroyForcibly();
			awaitExit(process);
		})));

		PluginCleanup cleanup = shutdown.cleanUp("tools_worker", TIMEOUT);

		assertThat(cleanup).isEqualTo(new PluginCleanup(true, false, List.of(), List.of()));
		assertThat(ChildProcesses.runs(sleep.pid())).isFalse();
	}

	@Test
	void processesACleanupForgotAreEndedByTheRegistry() throws Exception {
		Process sleep = this.processes.startSleep();
		PluginShutdown shutdown = shutdown(Map.of("worker", new TestPlugins.ProcessPlugin(sleep, (process) -> {
		})));

		PluginCleanup cleanup = shutdown.cleanUp("tools_worker", TIMEOUT);

		assertThat(cleanup.cleanedUp()).isTrue();
		assertThat(cleanup.endedPids()).containsExactly(sleep.pid());
		assertThat(cleanup.errors()).isEmpty();
		awaitExit(sleep);
	}

	@Test
	void aCleanupThatHangsIsAnErrorAndItsProcessesAreStillEnded() throws Exception {
		Process sleep = this.processes.startSleep();
		PluginShutdown shutdown = shutdown(Map.of("worker",
				new TestPlugins.ProcessPlugin(sleep, (process) -> TestPlugins.hangIgnoringInterrupts(this.release))));

		long start = System.nanoTime();
		PluginCleanup cleanup = shutdown.cleanUp("tools_worker", TIMEOUT);

		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
		assertThat(cleanup.cleanedUp()).isFalse();
		assertThat(cleanup.errors()).singleElement().asString().startsWith("forceCleanup(): did not answer within");
		assertThat(cleanup.endedPids()).containsExactly(sleep.pid());
		awaitExit(sleep);
	}

	@Test
	void aCloudResourceIsTerminatedWhateverItsStatus() {
		AtomicInteger terminations = new AtomicInteger();
		PluginShutdown shutdown = shutdown(Map.of("gpu", new Cloud("provisioning", () -> {
			terminations.incrementAndGet();
			return true;
		})));

		PluginCleanup cleanup = shutdown.cleanUp("tools_gpu", TIMEOUT);

		assertThat(cleanup).isEqualTo(new PluginCleanup(false, true, List.of(), List.of()));
		assertThat(terminations).hasValue(1);
	}

	@Test
	void aTerminationThatFailsIsAnError() {
		PluginShutdown shutdown = shutdown(Map.of("gpu", new Cloud("running", () -> false)));

		PluginCleanup cleanup = shutdown.cleanUp("tools_gpu", TIMEOUT);

		assertThat(cleanup.terminated()).isFalse();
		assertThat(cleanup.errors()).singleElement()
			.asString()
			.startsWith("terminateRemoteResource(): ")
			.contains("returned false");
	}

	@Test
	void aPluginWithoutInstanceHasNothingDone() {
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(this.dir);
		registry.registerPluginManager("tools", TestPluginManager.of("idle"));

		PluginCleanup cleanup = new PluginShutdown(registry, this.calls, TIMEOUT, (event, error) -> {
		}).cleanUp("tools_idle", TIMEOUT);

		assertThat(cleanup).isEqualTo(new PluginCleanup(false, false, List.of(), List.of()));
	}

	private PluginShutdown shutdown(Map<String, Object> instances) {
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(this.dir);
		registry.registerPluginManager("tools", TestPluginManager.of(instances));
		return new PluginShutdown(registry, this.calls, Duration.ofSeconds(10), (event, error) -> {
		});
	}

	private static void awaitExit(Process process) {
		try {
			process.waitFor();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** A cloud-aware plugin with a fixed status and a termination the test supplies. */
	private record Cloud(String status, BooleanSupplier termination)
			implements CloudAwarePlugin {

		@Override
		public RemoteResourceInfo getRemoteResourceInfo() {
			return RemoteResourceInfo.builder(CloudProviderType.RUNPOD).status(this.status).build();
		}

		@Override
		public RemoteResourceInfo provisionRemoteResource(Map<String, Object> config) {
			throw new UnsupportedOperationException();
		}

		@Override
		public String checkRemoteResourceStatus() {
			return this.status;
		}

		@Override
		public boolean terminateRemoteResource() {
			return this.termination.getAsBoolean();
		}

		@Override
		public double estimateCost(double durationHours) {
			return 0;
		}

	}

}
