package dev.unifiedplugins.core;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

import dev.unifiedplugins.processes.ProcessTable;
import org.jspecify.annotations.Nullable;

/**
 * Lays what a live plugin instance reports over its registered metadata: its PIDs (with
 * descendants) when it is lifecycle-aware ({@link ChildProcessOwner}), its remote
 * resource when it is cloud-aware ({@link RemoteResourceOwner}).
 */
public final class PluginResources {

	private PluginResources() {
	}

	/**
	 * The metadata with the instance's live resources.
	 * @param registered the metadata as registered
	 * @param instance the loaded instance, or null when the plugin is not loaded
	 * @param processTable where to look up descendants; called at most once, and only when
	 * the instance reports child PIDs, so that many plugins can share one snapshot
	 * @return the live view; the registered metadata itself when there is nothing live
	 * @throws IllegalStateException when a lifecycle-aware instance reports null child PIDs
	 * @throws RuntimeException whatever the instance's protocol methods throw
	 */
	public static PluginMetadata resolve(PluginMetadata registered, @Nullable Object instance,
			Supplier<ProcessTable> processTable) {
		Objects.requireNonNull(registered, "registered must not be null");
		boolean lifecycle = instance instanceof ChildProcessOwner;
		boolean cloud = instance instanceof RemoteResourceOwner;
		if (!lifecycle && !cloud) {
			return registered;
		}
		List<Long> pids = registered.spawnedPids();
		if (lifecycle) {
			List<Long> roots = ((ChildProcessOwner) instance).getChildPids();
			if (roots == null) {
				throw new IllegalStateException(
						"getChildPids() returned null; expected a list, empty when there are none");
			}
			pids = roots.isEmpty() ? List.of() : processTable.get().withLiveDescendants(roots);
		}
		RemoteResourceInfo remote = cloud ? ((RemoteResourceOwner) instance).getRemoteResourceInfo()
				: registered.remoteResource();
		return registered.withResources(pids, remote);
	}

	/**
	 * A supplier of one {@linkplain ProcessTable#lazy() lazy process table}, made on first
	 * use and shared after, so that every plugin of one request reads each process at most
	 * once.
	 * @return the supplier, for one request; thread-safe
	 */
	public static Supplier<ProcessTable> lazyProcessTable() {
		return new Supplier<>() {

			private @Nullable ProcessTable table;

			@Override
			public synchronized ProcessTable get() {
				ProcessTable result = this.table;
				if (result == null) {
					result = ProcessTable.lazy();
					this.table = result;
				}
				return result;
			}

		};
	}

}
