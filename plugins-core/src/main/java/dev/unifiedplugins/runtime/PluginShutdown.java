package dev.unifiedplugins.runtime;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;

import dev.unifiedplugins.core.PluginMetadata;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.protocols.CloudAwarePlugin;
import dev.unifiedplugins.protocols.LifecycleAwarePlugin;
import dev.unifiedplugins.protocols.ProcessIdentity;
import org.jspecify.annotations.Nullable;

/**
 * Cleans up every plugin when the application stops: {@code forceCleanup()} on each
 * lifecycle-aware instance, and optionally {@code terminateRemoteResource()} on each
 * running cloud resource. The calls run in parallel, each bounded in time; a failure is
 * logged and does not stop the others.
 * <p>
 * Processes a plugin managed before cleanup and that still run afterwards (its cleanup
 * failed, hung, or forgot a descendant) are then ended by the registry itself, first
 * politely, then forcibly.
 */
public final class PluginShutdown {

	private static final System.Logger logger = System.getLogger(PluginShutdown.class.getName());

	private final UnifiedPluginRegistry registry;

	private final BoundedCalls calls;

	private final Duration timeout;

	/**
	 * Creates a shutdown procedure.
	 * @param registry the registry whose plugins to clean up
	 * @param calls where calls into plugin code run
	 * @param timeout the bound on the whole cleanup
	 */
	public PluginShutdown(UnifiedPluginRegistry registry, BoundedCalls calls, Duration timeout) {
		this.registry = Objects.requireNonNull(registry, "registry must not be null");
		this.calls = Objects.requireNonNull(calls, "calls must not be null");
		this.timeout = Objects.requireNonNull(timeout, "timeout must not be null");
	}

	/**
	 * Runs the cleanup.
	 * @param cleanup whether to call {@code forceCleanup()} and end leftover processes
	 * @param terminateCloudResources whether to terminate running cloud resources
	 * @return the failures by unique id, empty when everything was cleaned up
	 */
	public Map<String, String> run(boolean cleanup, boolean terminateCloudResources) {
		if (!cleanup && !terminateCloudResources) {
			return Map.of();
		}
		long deadline = System.nanoTime() + this.timeout.toNanos();
		List<PluginMetadata> plugins = this.registry.getRegisteredPlugins();
		// Filled before each forceCleanup() runs, so that the processes of a cleanup that
		// throws or hangs are still ended below.
		Set<ProcessIdentity> seen = ConcurrentHashMap.newKeySet();
		Map<String, Future<Void>> tasks = new LinkedHashMap<>();
		for (PluginMetadata plugin : plugins) {
			String id = plugin.uniqueId();
			tasks.put(id,
					this.calls.submit("shutdown:" + id, () -> cleanUp(id, cleanup, terminateCloudResources, seen)));
		}
		Map<String, String> failures = new LinkedHashMap<>();
		tasks.forEach((id, task) -> {
			try {
				BoundedCalls.await(task, deadline, this.timeout);
			}
			catch (BoundedCalls.PluginCallException ex) {
				failures.put(id, ex.getMessage());
				logger.log(System.Logger.Level.WARNING, "Cleanup of plugin '" + id + "' failed: " + ex.getMessage(),
						ex.getCause());
			}
		});
		if (cleanup) {
			endLeftovers(seen);
		}
		return failures;
	}

	private @Nullable Void cleanUp(String id, boolean cleanup, boolean terminateCloudResources,
			Set<ProcessIdentity> seen) {
		Optional<Object> found = this.registry.getPluginInstance(id);
		if (found.isEmpty()) {
			return null;
		}
		Object instance = found.get();
		if (cleanup && instance instanceof LifecycleAwarePlugin lifecycle) {
			for (Long pid : LifecycleAwarePlugin.getAllManagedPids(lifecycle)) {
				ProcessIdentity.of(pid).ifPresent(seen::add);
			}
			lifecycle.forceCleanup();
			logger.log(System.Logger.Level.INFO, "Cleaned up plugin '" + id + "'");
		}
		if (terminateCloudResources && CloudAwarePlugin.hasActiveCloudResources(instance)) {
			boolean terminated = ((CloudAwarePlugin) instance).terminateRemoteResource();
			if (!terminated) {
				throw new IllegalStateException("terminateRemoteResource() returned false");
			}
			logger.log(System.Logger.Level.INFO, "Terminated the cloud resource of plugin '" + id + "'");
		}
		return null;
	}

	private void endLeftovers(Set<ProcessIdentity> seen) {
		List<Long> ended = ProcessIdentity.end(seen, Duration.ofSeconds(2)).stream().map(ProcessIdentity::pid).toList();
		if (!ended.isEmpty()) {
			logger.log(System.Logger.Level.WARNING,
					"Ended " + ended.size() + " plugin process(es) that survived cleanup: " + ended);
		}
	}

}
