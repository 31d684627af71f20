package dev.unifiedplugins.testsupport;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Supplier;

import dev.unifiedplugins.core.CloudProviderType;
import dev.unifiedplugins.core.PluginExecutionMode;
import dev.unifiedplugins.core.RemoteResourceInfo;
import dev.unifiedplugins.protocols.CloudAwarePlugin;
import dev.unifiedplugins.protocols.LifecycleAwarePlugin;

/**
 * Plugin instances whose protocol methods a test supplies; {@link TestPluginManager#of(Map)}
 * is a manager over them.
 */
public final class TestPlugins {

	private TestPlugins() {
	}

	/**
	 * What a plugin that hangs does: blocks until {@code release} opens, ignoring
	 * interrupts, so that only a caller's timeout can stop waiting for it.
	 */
	public static void hangIgnoringInterrupts(CountDownLatch release) {
		while (true) {
			try {
				if (release.await(1, TimeUnit.SECONDS)) {
					return;
				}
			}
			catch (InterruptedException ex) {
				// a plugin that ignores interrupts
			}
		}
	}

	public static RemoteResourceInfo running(Map<String, Object> metadata) {
		return RemoteResourceInfo.builder(CloudProviderType.RUNPOD).status("running").metadata(metadata).build();
	}

	public record Lifecycle(Supplier<List<Long>> pids, Supplier<Map<String, Object>> resources) implements LifecycleAwarePlugin {

		public Lifecycle(Supplier<List<Long>> pids) {
			this(pids, Map::of);
		}

		@Override
		public PluginExecutionMode getExecutionMode() {
			return PluginExecutionMode.SUBPROCESS;
		}

		@Override
		public List<Long> getChildPids() {
			return this.pids.get();
		}

		@Override
		public Map<String, Object> getManagedResources() {
			return this.resources.get();
		}

		@Override
		public void forceCleanup() {
		}

	}

	public record Cloud(Supplier<RemoteResourceInfo> remote, DoubleUnaryOperator cost) implements CloudAwarePlugin {

		@Override
		public RemoteResourceInfo getRemoteResourceInfo() {
			return this.remote.get();
		}

		@Override
		public RemoteResourceInfo provisionRemoteResource(Map<String, Object> config) {
			throw new UnsupportedOperationException();
		}

		@Override
		public String checkRemoteResourceStatus() {
			return "running";
		}

		@Override
		public boolean terminateRemoteResource() {
			return true;
		}

		@Override
		public double estimateCost(double durationHours) {
			return this.cost.applyAsDouble(durationHours);
		}

	}

	/**
	 * A lifecycle-aware plugin over one child process, as a plain plugin would be: it
	 * reports the child's PID, and its {@code forceCleanup()} does what the test supplies.
	 */
	public static class ProcessPlugin implements LifecycleAwarePlugin {

		private final Process process;

		private final Consumer<Process> cleanup;

		public ProcessPlugin(Process process, Consumer<Process> cleanup) {
			this.process = process;
			this.cleanup = cleanup;
		}

		public Process process() {
			return this.process;
		}

		@Override
		public PluginExecutionMode getExecutionMode() {
			return PluginExecutionMode.SUBPROCESS;
		}

		@Override
		public List<Long> getChildPids() {
			return List.of(this.process.pid());
		}

		@Override
		public Map<String, Object> getManagedResources() {
			return Map.of("pid", this.process.pid());
		}

		@Override
		public void forceCleanup() {
			this.cleanup.accept(this.process);
		}

	}

}
