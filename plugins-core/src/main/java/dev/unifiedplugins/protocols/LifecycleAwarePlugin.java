package dev.unifiedplugins.protocols;

import java.util.List;
import java.util.Map;

import dev.unifiedplugins.core.ChildProcessOwner;
import dev.unifiedplugins.core.PluginExecutionMode;
import dev.unifiedplugins.processes.ProcessTable;
import org.jspecify.annotations.Nullable;

/**
 * A plugin that manages resources outside the JVM: child processes, containers, servers.
 * The registry reports its PIDs and cleans it up when the application stops.
 */
public interface LifecycleAwarePlugin extends ChildProcessOwner {

	/**
	 * Where this plugin runs.
	 * @return the execution mode
	 */
	PluginExecutionMode getExecutionMode();

	/**
	 * The PIDs of the child processes this plugin started. Their descendants are found by
	 * {@link #getAllManagedPids(Object)}.
	 * @return the child PIDs, empty when there are none
	 */
	List<Long> getChildPids();

	/**
	 * What the plugin manages: server URLs, container ids, conda environments.
	 * @return a description of the managed resources
	 */
	Map<String, Object> getManagedResources();

	/**
	 * Ends every managed resource now: kills processes, stops containers.
	 */
	void forceCleanup();

	/**
	 * Whether an object implements this protocol.
	 * @param plugin any plugin instance, may be null
	 * @return true when it is lifecycle-aware
	 */
	static boolean isLifecycleAware(@Nullable Object plugin) {
		return plugin instanceof LifecycleAwarePlugin;
	}

	/**
	 * The live PIDs a plugin manages: its child PIDs and all their live descendants. Dead
	 * and zombie processes are left out.
	 * @param plugin any plugin instance
	 * @return the PIDs, empty for a plugin that is not lifecycle-aware
	 */
	static List<Long> getAllManagedPids(@Nullable Object plugin) {
		return getAllManagedPids(plugin, null);
	}

	/**
	 * The live PIDs a plugin manages, read from a snapshot shared across many plugins.
	 * @param plugin any plugin instance
	 * @param table the process table to read, or null to take a snapshot when needed
	 * @return the PIDs, empty for a plugin that is not lifecycle-aware
	 */
	static List<Long> getAllManagedPids(@Nullable Object plugin, @Nullable ProcessTable table) {
		if (!(plugin instanceof LifecycleAwarePlugin lifecycle)) {
			return List.of();
		}
		List<Long> roots = lifecycle.getChildPids();
		if (roots == null || roots.isEmpty()) {
			return List.of();
		}
		return ((table != null) ? table : ProcessTable.lazy()).withLiveDescendants(roots);
	}

}
