package dev.unifiedplugins.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.unifiedplugins.concurrent.BoundedCalls;
import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.core.PluginExecutionMode;
import dev.unifiedplugins.core.PluginMetadata;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.inspection.PluginInspector;
import dev.unifiedplugins.processes.ProcessTable;
import dev.unifiedplugins.protocols.LifecycleAwarePlugin;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The managed PIDs of 100 lifecycle-aware plugins, each with a real child process (a
 * {@code sleep}). One request should make one pass over the process table: the inspector
 * and {@code getAllPlugins} share one snapshot; 100 separate
 * {@code LifecycleAwarePlugin.getAllManagedPids} calls take 100. A bare snapshot is the
 * floor.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ManagedPidsBenchmark {

	@Param("100")
	int plugins;

	private final List<Process> processes = new ArrayList<>();

	private final List<Object> instances = new ArrayList<>();

	private Path dir;

	private UnifiedPluginRegistry registry;

	private BoundedCalls calls;

	private PluginInspector inspector;

	@Setup(Level.Trial)
	public void setUp() throws IOException {
		Map<String, Object> byName = new LinkedHashMap<>();
		List<PluginDescriptor> descriptors = new ArrayList<>();
		for (int i = 0; i < this.plugins; i++) {
			Process process = new ProcessBuilder("sleep", "3600").start();
			this.processes.add(process);
			String name = Fixtures.pluginName(i);
			Object instance = new SleepPlugin(process.pid());
			this.instances.add(instance);
			byName.put(name, instance);
			descriptors.add(PluginDescriptor.builder(name)
				.executionMode(PluginExecutionMode.SUBPROCESS)
				.managesChildProcesses(true)
				.configSchema(Fixtures.schema(name))
				.build());
		}
		this.dir = Fixtures.tempDir("bench-pids");
		this.registry = new UnifiedPluginRegistry(this.dir);
		this.registry.registerPluginManager("workers", new Fixtures.InstanceManager("workers", descriptors, byName));
		this.calls = new BoundedCalls("bench-plugins-call-", 32);
		this.inspector = new PluginInspector(this.registry, this.calls, Duration.ofSeconds(10));
		int seen = this.inspector.inspectAll(1.0).managedPids().size();
		long withPids = this.registry.getAllPlugins().stream().filter((p) -> p.spawnedPids().size() == 1).count();
		if (seen != this.plugins || withPids != this.plugins) {
			throw new IllegalStateException("expected " + this.plugins + " plugins with one live PID, the inspector saw "
					+ seen + " and getAllPlugins " + withPids);
		}
	}

	@TearDown(Level.Trial)
	public void tearDown() throws InterruptedException {
		for (Process process : this.processes) {
			process.destroyForcibly();
		}
		for (Process process : this.processes) {
			process.waitFor(5, TimeUnit.SECONDS);
		}
		this.calls.close();
		Fixtures.deleteRecursively(this.dir);
	}

	/** The floor: one pass over the process table. */
	@Benchmark
	public ProcessTable oneSnapshot() {
		return ProcessTable.snapshot();
	}

	/** What the endpoint does: bounded calls, one shared snapshot. */
	@Benchmark
	public Map<String, List<Long>> inspectorInspectAll() {
		return this.inspector.inspectAll(1.0).managedPids();
	}

	/** The registry's live view: one shared snapshot. */
	@Benchmark
	public List<PluginMetadata> registryGetAllPlugins() {
		return this.registry.getAllPlugins();
	}

	/** The naive way: one snapshot per plugin. */
	@Benchmark
	public int separateGetAllManagedPidsCalls() {
		int count = 0;
		for (Object instance : this.instances) {
			count += LifecycleAwarePlugin.getAllManagedPids(instance).size();
		}
		return count;
	}

	/** A plugin that manages one child process. */
	static final class SleepPlugin implements LifecycleAwarePlugin {

		private final List<Long> pids;

		SleepPlugin(long pid) {
			this.pids = List.of(pid);
		}

		@Override
		public PluginExecutionMode getExecutionMode() {
			return PluginExecutionMode.SUBPROCESS;
		}

		@Override
		public List<Long> getChildPids() {
			return this.pids;
		}

		@Override
		public Map<String, Object> getManagedResources() {
			return Map.of("pids", this.pids);
		}

		@Override
		public void forceCleanup() {
			ProcessHandle.of(this.pids.get(0)).ifPresent(ProcessHandle::destroyForcibly);
		}

	}

}
