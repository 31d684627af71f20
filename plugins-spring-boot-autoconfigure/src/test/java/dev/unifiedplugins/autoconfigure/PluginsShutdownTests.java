package dev.unifiedplugins.autoconfigure;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.unifiedplugins.actuate.CloudCostMetrics;
import dev.unifiedplugins.core.CloudProviderType;
import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.core.PluginExecutionMode;
import dev.unifiedplugins.core.PluginManager;
import dev.unifiedplugins.core.RemoteResourceInfo;
import dev.unifiedplugins.lifecycle.PluginsShutdownLifecycle;
import dev.unifiedplugins.processes.ProcessTable;
import dev.unifiedplugins.protocols.CloudAwarePlugin;
import dev.unifiedplugins.protocols.LifecycleAwarePlugin;
import dev.unifiedplugins.protocols.PluginCloudResourceTerminated;
import dev.unifiedplugins.protocols.PluginCloudResourceTerminated.Reason;
import dev.unifiedplugins.registration.PluginManagerRegistrar;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What happens to plugin resources when the application context closes.
 */
class PluginsShutdownTests {

	@TempDir
	Path dir;

	private final SleepPlugin worker = new SleepPlugin();

	private final SimulatedGpuPlugin gpu = new SimulatedGpuPlugin();

	@AfterEach
	void killWorker() {
		this.worker.kill();
	}

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PluginsAutoConfiguration.class))
			.withPropertyValues("plugins.config-dir=" + this.dir)
			.withBean("workers", PluginManager.class, () -> new Manager(Map.of("sleeper", this.worker, "gpu", this.gpu)));
	}

	@Test
	void closingTheContextCleansUpLifecycleAwarePlugins() throws Exception {
		this.worker.start();
		long pid = this.worker.process.pid();
		runner().run((context) -> assertThat(ProcessTable.isRunning(pid)).isTrue());
		assertThat(this.worker.cleanups).isEqualTo(1);
		assertGone(pid);
	}

	@Test
	void aContextThatFailsToStartStillCleansUp() throws Exception {
		this.worker.start();
		long pid = this.worker.process.pid();
		runner().withUserConfiguration(FailingAfterRegistration.class)
			.run((context) -> assertThat(context).hasFailed());
		assertThat(this.worker.cleanups).isEqualTo(1);
		assertGone(pid);
	}

	@Test
	void cleanupCanBeTurnedOff() throws IOException {
		this.worker.start();
		long pid = this.worker.process.pid();
		runner().withPropertyValues("plugins.shutdown.cleanup=false").run((context) -> {
		});
		assertThat(this.worker.cleanups).isZero();
		assertThat(ProcessTable.isRunning(pid)).isTrue();
	}

	@Test
	void cloudResourcesKeepRunningByDefault() {
		runner().run((context) -> assertThat(this.gpu.getRemoteResourceInfo().isRunning()).isTrue());
		assertThat(this.gpu.getRemoteResourceInfo().isRunning()).isTrue();
	}

	@Test
	void cloudResourcesAreTerminatedWhenAsked() {
		runner().withPropertyValues("plugins.shutdown.terminate-cloud-resources=true")
			.run((context) -> assertThat(this.gpu.getRemoteResourceInfo().isRunning()).isTrue());
		assertThat(this.gpu.getRemoteResourceInfo().status()).isEqualTo("terminated");
		assertThat(this.gpu.estimateCost(1)).isZero();
	}

	@Test
	void eachCloudResourceTerminatedAtShutdownIsPublishedAsAnEvent() {
		Terminations events = new Terminations();
		runner().withPropertyValues("plugins.shutdown.terminate-cloud-resources=true")
			.withBean(Terminations.class, () -> events)
			.run((context) -> assertThat(events.received).isEmpty());
		assertThat(events.received)
			.containsExactly(new PluginCloudResourceTerminated("workers_gpu", Reason.SHUTDOWN, 4.40, true));
	}

	@Test
	void withTheGuardTheyAreCountedAndPublishedOnce() {
		Terminations events = new Terminations();
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		runner().withConfiguration(AutoConfigurations.of(PluginsCloudCostAutoConfiguration.class))
			.withPropertyValues("plugins.shutdown.terminate-cloud-resources=true")
			.withBean(Terminations.class, () -> events)
			.withBean(MeterRegistry.class, () -> meters)
			.run((context) -> context.getBean(CloudCostMetrics.class).bindTo(meters));
		assertThat(events.received)
			.containsExactly(new PluginCloudResourceTerminated("workers_gpu", Reason.SHUTDOWN, 4.40, true));
		assertThat(meters.find("plugins.cloud.terminations").tag("reason", "shutdown").counter()).isNotNull()
			.satisfies((counter) -> assertThat(counter.count()).isOne());
	}

	/** The terminations the application is told of. */
	static class Terminations {

		final List<PluginCloudResourceTerminated> received = new CopyOnWriteArrayList<>();

		@EventListener
		void on(PluginCloudResourceTerminated event) {
			this.received.add(event);
		}

	}

	private static void assertGone(long pid) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (ProcessTable.isRunning(pid) && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		assertThat(ProcessTable.isRunning(pid)).as("process %d running", pid).isFalse();
	}

	@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
	static class FailingAfterRegistration {

		@org.springframework.context.annotation.Bean
		Object failing(PluginManagerRegistrar registrar, PluginsShutdownLifecycle lifecycle) {
			throw new IllegalStateException("start-up fails after the plugins were registered");
		}

	}

	record Manager(Map<String, Object> plugins) implements PluginManager {

		@Override
		public List<PluginDescriptor> discoverPlugins() {
			return this.plugins.keySet().stream().sorted().map((name) -> PluginDescriptor.builder(name).build()).toList();
		}

		@Override
		public Optional<Object> getPlugin(String name) {
			return Optional.ofNullable(this.plugins.get(name));
		}

	}

	/** Runs a real {@code sleep} process. */
	static class SleepPlugin implements LifecycleAwarePlugin {

		@Nullable Process process;

		int cleanups;

		void start() throws IOException {
			this.process = new ProcessBuilder("sleep", "300").start();
		}

		void kill() {
			if (this.process != null) {
				this.process.destroyForcibly();
			}
		}

		@Override
		public PluginExecutionMode getExecutionMode() {
			return PluginExecutionMode.SUBPROCESS;
		}

		@Override
		public List<Long> getChildPids() {
			return (this.process != null && this.process.isAlive()) ? List.of(this.process.pid()) : List.of();
		}

		@Override
		public Map<String, Object> getManagedResources() {
			return Map.of();
		}

		@Override
		public void forceCleanup() {
			this.cleanups++;
			if (this.process != null) {
				this.process.destroy();
				try {
					this.process.waitFor(5, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		}

	}

	/** A cloud GPU from a simulated provider at 4.40 USD an hour. */
	static class SimulatedGpuPlugin implements CloudAwarePlugin {

		private RemoteResourceInfo resource = RemoteResourceInfo.builder(CloudProviderType.RUNPOD)
			.status("running")
			.estimatedCostPerHour(4.40)
			.build();

		@Override
		public RemoteResourceInfo getRemoteResourceInfo() {
			return this.resource;
		}

		@Override
		public RemoteResourceInfo provisionRemoteResource(Map<String, Object> config) {
			this.resource = this.resource.withStatus("running");
			return this.resource;
		}

		@Override
		public String checkRemoteResourceStatus() {
			return this.resource.status();
		}

		@Override
		public boolean terminateRemoteResource() {
			this.resource = this.resource.withStatus("terminated");
			return true;
		}

		@Override
		public double estimateCost(double durationHours) {
			return this.resource.isRunning() ? 4.40 * durationHours : 0;
		}

	}

}
