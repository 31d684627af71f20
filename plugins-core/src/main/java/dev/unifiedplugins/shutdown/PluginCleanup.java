package dev.unifiedplugins.shutdown;

import java.util.List;

/**
 * What {@link PluginShutdown#cleanUp(String, java.time.Duration)} did to one plugin's resources.
 *
 * @param cleanedUp whether the instance is lifecycle-aware and its {@code forceCleanup()}
 * returned in time
 * @param terminated whether the instance is cloud-aware and its
 * {@code terminateRemoteResource()} returned true in time
 * @param endedPids the processes the plugin managed before its cleanup that still ran after
 * it, and that the registry therefore ended itself
 * @param errors what failed, each naming the call, empty when nothing did
 */
public record PluginCleanup(boolean cleanedUp, boolean terminated, List<Long> endedPids, List<String> errors) {

	public PluginCleanup {
		endedPids = List.copyOf(endedPids);
		errors = List.copyOf(errors);
	}

}
