package dev.unifiedplugins.protocols;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.core.PluginExecutionMode;
import dev.unifiedplugins.core.PluginMetadata;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.processes.ProcessTable;
import dev.unifiedplugins.testsupport.Await;
import dev.unifiedplugins.testsupport.ChildProcesses;
import dev.unifiedplugins.testsupport.TestPluginManager;
import dev.unifiedplugins.testsupport.TestPlugins.ProcessPlugin;
import dev.unifiedplugins.utils.PluginStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests for {@link LifecycleAwarePlugin} and the registry's view of a lifecycle-aware
 * plugin, with real process trees.
 */
class LifecycleAwarePluginTests {

	private static final String TWO_SLEEPING_CHILDREN = "sleep 300 & sleep 300 & wait";

	private final ChildProcesses processes = new ChildProcesses();

	@TempDir
	Path configDir;

	@BeforeAll
	static void requireLinux() {
		assumeTrue(ChildProcesses.hasProcfs(), "needs /proc to tell zombies from live processes");
	}

	@AfterEach
	void killProcesses() {
		this.processes.killAll();
	}

	@Test
	void managedPidsAreTheChildAndAllItsDescendants() {
		Process child = this.processes.startShell(TWO_SLEEPING_CHILDREN);
		List<Long> grandchildren = awaitSleepingDescendants(child, 2);
		List<Long> managed = LifecycleAwarePlugin.getAllManagedPids(shellPlugin(child));
		assertThat(managed).first().isEqualTo(child.pid());
		assertThat(managed).containsExactlyInAnyOrderElementsOf(concat(child.pid(), grandchildren));
	}

	@Test
	void managedPidsReachEveryGeneration() {
		Process child = this.processes.startShell("sh -c 'sleep 300 & wait' & wait");
		List<Long> descendants = awaitSleepingDescendants(child, 1);
		List<Long> managed = LifecycleAwarePlugin.getAllManagedPids(shellPlugin(child));
		assertThat(descendants).hasSize(2);
		assertThat(managed).containsExactlyInAnyOrderElementsOf(concat(child.pid(), descendants));
	}

	@Test
	void managedPidsFromASharedSnapshotAreTheSame() {
		Process child = this.processes.startShell(TWO_SLEEPING_CHILDREN);
		List<Long> grandchildren = awaitSleepingDescendants(child, 2);
		ProcessPlugin plugin = shellPlugin(child);
		assertThat(LifecycleAwarePlugin.getAllManagedPids(plugin, ProcessTable.snapshot()))
			.containsExactlyInAnyOrderElementsOf(concat(child.pid(), grandchildren));
	}

	@Test
	void forceCleanupEndsTheWholeTreeAndNoPidIsManagedAfterwards() {
		Process child = this.processes.startShell(TWO_SLEEPING_CHILDREN);
		List<Long> tree = concat(child.pid(), awaitSleepingDescendants(child, 2));
		ProcessPlugin plugin = shellPlugin(child);
		assertThat(LifecycleAwarePlugin.getAllManagedPids(plugin)).hasSize(3);
		plugin.forceCleanup();
		assertThat(child.isAlive()).isFalse();
		assertThat(tree).allSatisfy((pid) -> assertThat(ChildProcesses.runs(pid)).as("process %d runs", pid).isFalse());
		assertThat(plugin.getChildPids()).containsExactly(child.pid());
		assertThat(LifecycleAwarePlugin.getAllManagedPids(plugin)).isEmpty();
	}

	@Test
	void zombieDescendantIsNotManaged() throws Exception {
		// sh starts "sleep 0.5" and becomes "sleep 300" while it still runs; sleep never reaps it, so
		// it stays a zombie grandchild
		Process child = this.processes.startShell("sleep 0.5 & echo $!; exec sleep 300");
		long zombie;
		try (BufferedReader out = new BufferedReader(
				new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
			zombie = Long.parseLong(out.readLine().trim());
			Await.until("process " + zombie + " is a zombie",
					() -> ChildProcesses.state(zombie).map((state) -> state == 'Z').orElse(false));
			assertThat(ProcessHandle.of(zombie).map(ProcessHandle::isAlive)).as("the JDK thinks it alive")
				.contains(true);
			assertThat(LifecycleAwarePlugin.getAllManagedPids(shellPlugin(child))).containsExactly(child.pid());
			assertThat(ProcessTable.isRunning(zombie)).isFalse();
			assertThat(ProcessTable.isRunning(child.pid())).isTrue();
		}
	}

	@Test
	void pidOfAProcessThatEndedIsNotManaged() throws Exception {
		Process child = this.processes.startShell("exit 0");
		assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
		assertThat(LifecycleAwarePlugin.getAllManagedPids(shellPlugin(child))).isEmpty();
	}

	@Test
	void objectsThatAreNotLifecycleAwareManageNoPids() {
		assertThat(LifecycleAwarePlugin.getAllManagedPids(null)).isEmpty();
		assertThat(LifecycleAwarePlugin.getAllManagedPids(new Object())).isEmpty();
		assertThat(LifecycleAwarePlugin.getAllManagedPids(ProcessHandle.current())).isEmpty();
		assertThat(LifecycleAwarePlugin.isLifecycleAware(new Object())).isFalse();
		assertThat(LifecycleAwarePlugin.isLifecycleAware(null)).isFalse();
	}

	@Test
	void pluginWithoutChildrenManagesNoPids() {
		assertThat(LifecycleAwarePlugin.getAllManagedPids(new FixedPidsPlugin(List.of()))).isEmpty();
		assertThat(LifecycleAwarePlugin.getAllManagedPids(new FixedPidsPlugin(null))).isEmpty();
		assertThat(LifecycleAwarePlugin.isLifecycleAware(new FixedPidsPlugin(List.of()))).isTrue();
	}

	@Test
	void registryReportsTheLivePidsOfALoadedPlugin() {
		Process child = this.processes.startShell(TWO_SLEEPING_CHILDREN);
		List<Long> tree = concat(child.pid(), awaitSleepingDescendants(child, 2));
		UnifiedPluginRegistry registry = registryWith(shellPlugin(child));
		PluginMetadata metadata = registry.getPlugin("transcription_voxtral").orElseThrow();
		assertThat(metadata.spawnedPids()).containsExactlyInAnyOrderElementsOf(tree);
		assertThat(metadata.hasActiveResources()).isTrue();
		assertThat(registry.getAllPlugins()).filteredOn((plugin) -> plugin.name().equals("voxtral"))
			.singleElement()
			.satisfies((plugin) -> assertThat(plugin.spawnedPids()).containsExactlyInAnyOrderElementsOf(tree));
		assertThat(registry.getPluginsByCategory("transcription")).filteredOn(PluginMetadata::hasActiveResources)
			.extracting(PluginMetadata::name)
			.containsExactly("voxtral");
		assertThat(registry.getPlugin("transcription_whisper_tiny").orElseThrow().hasActiveResources()).isFalse();
		assertThat(PluginStats.of(registry.getAllPlugins()).withActiveResources()).isEqualTo(1);
	}

	@Test
	void registryReportsNoPidsAfterForceCleanup() {
		Process child = this.processes.startShell(TWO_SLEEPING_CHILDREN);
		awaitSleepingDescendants(child, 2);
		ProcessPlugin plugin = shellPlugin(child);
		UnifiedPluginRegistry registry = registryWith(plugin);
		assertThat(registry.getPlugin("transcription_voxtral").orElseThrow().hasActiveResources()).isTrue();
		((LifecycleAwarePlugin) registry.getPluginInstance("transcription_voxtral").orElseThrow()).forceCleanup();
		PluginMetadata metadata = registry.getPlugin("transcription_voxtral").orElseThrow();
		assertThat(metadata.spawnedPids()).isEmpty();
		assertThat(metadata.hasActiveResources()).isFalse();
	}

	@Test
	void registryShowsRegisteredMetadataOfAPluginThatFailsToReportItsPids() {
		LifecycleAwarePlugin broken = new FixedPidsPlugin(List.of()) {

			@Override
			public List<Long> getChildPids() {
				throw new IllegalStateException("worker crashed");
			}

		};
		UnifiedPluginRegistry registry = registryWith(broken);
		PluginMetadata metadata = registry.getPlugin("transcription_voxtral").orElseThrow();
		assertThat(metadata.name()).isEqualTo("voxtral");
		assertThat(metadata.spawnedPids()).isEmpty();
		assertThat(registry.getAllPlugins()).hasSize(2);
	}

	private UnifiedPluginRegistry registryWith(Object voxtral) {
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(this.configDir);
		registry.registerPluginManager("transcription",
				new TestPluginManager(PluginDescriptor.builder("whisper_tiny").build(),
						PluginDescriptor.builder("voxtral")
							.executionMode(PluginExecutionMode.SUBPROCESS)
							.managesChildProcesses(true)
							.build())
					.withInstance("voxtral", voxtral));
		return registry;
	}

	/**
	 * Waits until the process has the given number of descendants running
	 * {@code sleep}, and returns all its descendants. Read through the JDK, not through the
	 * code under test.
	 */
	private List<Long> awaitSleepingDescendants(Process child, int sleepers) {
		Await.until("process " + child.pid() + " has " + sleepers + " sleeping descendants",
				() -> child.descendants()
					.filter((process) -> process.info().command().orElse("").endsWith("sleep"))
					.count() == sleepers);
		List<ProcessHandle> descendants = child.descendants().toList();
		descendants.forEach(this.processes::track);
		return descendants.stream().map(ProcessHandle::pid).toList();
	}

	private static List<Long> concat(long first, List<Long> rest) {
		List<Long> all = new ArrayList<>(rest.size() + 1);
		all.add(first);
		all.addAll(rest);
		return all;
	}

	/** A plugin over a shell, as a plain plugin would be: it keeps reporting the shell's PID. */
	private static ProcessPlugin shellPlugin(Process process) {
		return new ProcessPlugin(process, LifecycleAwarePluginTests::killTree);
	}

	/** Kills descendants first, then the child, and waits until all of them are gone. */
	private static void killTree(Process process) {
		List<ProcessHandle> descendants = process.descendants().toList();
		descendants.forEach(ProcessHandle::destroyForcibly);
		process.destroyForcibly();
		try {
			process.waitFor(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		Await.until("the descendants of " + process.pid() + " are gone",
				() -> descendants.stream().allMatch((handle) -> !ChildProcesses.runs(handle.pid())));
	}

	/** A plugin that reports fixed child PIDs. */
	static class FixedPidsPlugin implements LifecycleAwarePlugin {

		private final List<Long> pids;

		FixedPidsPlugin(List<Long> pids) {
			this.pids = pids;
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
			return Map.of();
		}

		@Override
		public void forceCleanup() {
		}

	}

}
