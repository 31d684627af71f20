package dev.unifiedplugins.shutdown;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;

import dev.unifiedplugins.concurrent.BoundedCalls;
import dev.unifiedplugins.core.RegisteredPlugin;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.cost.BeforeTerminateHook;
import dev.unifiedplugins.cost.CloudResourceSurvey;
import dev.unifiedplugins.observation.PluginCallObserver;
import dev.unifiedplugins.observation.PluginOperation;
import dev.unifiedplugins.processes.ProcessIdentity;
import dev.unifiedplugins.protocols.CloudAwarePlugin;
import dev.unifiedplugins.protocols.LifecycleAwarePlugin;
import dev.unifiedplugins.protocols.PluginCloudResourceTerminated;
import dev.unifiedplugins.protocols.PluginCloudResourceTerminated.Reason;
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
 * <p>
 * {@link #cleanUp(String, Duration)} does the same to one plugin while the application
 * runs, for an operator who stops its resources.
 */
public final class PluginShutdown {

	/** How long a leftover process has to end once asked politely, before it is killed. */
	private static final Duration LEFTOVER_GRACE = Duration.ofSeconds(2);

	private static final System.Logger logger = System.getLogger(PluginShutdown.class.getName());

	private final UnifiedPluginRegistry registry;

	private final BoundedCalls calls;

	private final Duration timeout;

	private final TerminationListener terminations;

	private volatile PluginCallObserver observer = PluginCallObserver.NONE;

	private volatile BeforeTerminateHook beforeTerminate;

	/**
	 * Creates a shutdown procedure.
	 * @param registry the registry whose plugins to clean up
	 * @param calls where calls into plugin code run
	 * @param timeout the bound on the whole cleanup
	 * @param terminations told of each cloud resource it terminates or fails to: with
	 * {@link Reason#SHUTDOWN} from {@link #run}, {@link Reason#OPERATOR} from
	 * {@link #cleanUp}; a {@link dev.unifiedplugins.cost.CloudCostGuard}'s
	 * {@link dev.unifiedplugins.cost.CloudCostGuard#recordTermination recordTermination} passes them on to the
	 * guard's listeners
	 */
	public PluginShutdown(UnifiedPluginRegistry registry, BoundedCalls calls, Duration timeout,
			TerminationListener terminations) {
		this.registry = Objects.requireNonNull(registry, "registry must not be null");
		this.calls = Objects.requireNonNull(calls, "calls must not be null");
		this.timeout = Objects.requireNonNull(timeout, "timeout must not be null");
		this.terminations = Objects.requireNonNull(terminations, "terminations must not be null");
		this.beforeTerminate = new BeforeTerminateHook(calls, BeforeTerminateHook.DEFAULT_TIMEOUT);
	}

	/**
	 * Sets the bound on each plugin's {@code beforeTerminate}, called before each
	 * termination. At shutdown it gets at most half of what is left of the cleanup's time,
	 * so that the termination still fits; on an operator's request the termination's bound
	 * comes on top of it.
	 * @param timeout the bound, {@link BeforeTerminateHook#DEFAULT_TIMEOUT} by default
	 */
	public void setBeforeTerminateTimeout(Duration timeout) {
		this.beforeTerminate = new BeforeTerminateHook(this.calls, timeout);
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
		List<RegisteredPlugin> plugins = this.registry.getRegistrations();
		// Filled before each forceCleanup() runs, so that the processes of a cleanup that
		// throws or hangs are still ended below.
		Set<ProcessIdentity> seen = ConcurrentHashMap.newKeySet();
		Map<String, Future<Void>> tasks = new LinkedHashMap<>();
		for (RegisteredPlugin plugin : plugins) {
			String id = plugin.uniqueId();
			tasks.put(id,
					this.calls.submit("shutdown:" + id,
							() -> cleanUp(id, cleanup, terminateCloudResources, seen, deadline)));
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
			// Their grace comes out of the shutdown's time, not on top of it.
			Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
			endLeftovers(seen, (left.compareTo(LEFTOVER_GRACE) < 0) ? left : LEFTOVER_GRACE);
		}
		return failures;
	}

	private @Nullable Void cleanUp(String id, boolean cleanup, boolean terminateCloudResources,
			Set<ProcessIdentity> seen, long deadline) {
		Optional<Object> found = this.registry.getPluginInstance(id);
		if (found.isEmpty()) {
			return null;
		}
		Object instance = found.get();
		if (cleanup) {
			forceCleanup(id, instance, seen);
		}
		if (terminateCloudResources && CloudAwarePlugin.hasActiveCloudResources(instance)
				&& !terminate(id, (CloudAwarePlugin) instance, Reason.SHUTDOWN,
						Duration.ofNanos(deadline - System.nanoTime()).dividedBy(2))) {
			throw new IllegalStateException("terminateRemoteResource() returned false");
		}
		return null;
	}

	/**
	 * Cleans up one plugin now, as at shutdown but whatever the shutdown settings say:
	 * {@code forceCleanup()} of a lifecycle-aware instance, then
	 * {@code beforeTerminate} and {@code terminateRemoteResource()} of a cloud-aware one
	 * (whatever its resource's status: one still provisioning costs money too), each
	 * bounded by the timeout (the first by the before-terminate bound); then the
	 * processes the plugin managed before its cleanup that still run are ended, politely,
	 * then forcibly. A failure of one step does not skip the others.
	 * @param uniqueId the plugin's unique id
	 * @param timeout the bound on each call into the plugin
	 * @return what was done and what failed; nothing is done for a plugin without a loaded
	 * instance
	 */
	public PluginCleanup cleanUp(String uniqueId, Duration timeout) {
		Objects.requireNonNull(uniqueId, "uniqueId must not be null");
		Objects.requireNonNull(timeout, "timeout must not be null");
		Set<ProcessIdentity> seen = ConcurrentHashMap.newKeySet();
		List<String> errors = new ArrayList<>();
		Boolean cleanedUp = bounded("cleanup:" + uniqueId, timeout, "forceCleanup()", errors,
				() -> this.registry.getPluginInstance(uniqueId)
					.map((instance) -> forceCleanup(uniqueId, instance, seen))
					.orElse(false));
		// Not the cleanup's key: a paid resource is terminated even while a process cleanup
		// hangs. The cost guard's key: never at the same time as its check or termination.
		BeforeTerminateHook hook = this.beforeTerminate;
		Boolean terminated = bounded(CloudResourceSurvey.key(uniqueId), timeout.plus(hook.timeout()),
				"terminateRemoteResource()", errors,
				() -> this.registry.getPluginInstance(uniqueId)
					.filter(CloudAwarePlugin.class::isInstance)
					.map((instance) -> terminate(uniqueId, (CloudAwarePlugin) instance, Reason.OPERATOR,
							hook.timeout()))
					.orElse(null));
		if (Boolean.FALSE.equals(terminated)) {
			errors.add("terminateRemoteResource(): returned false, so the resource may still run");
			logger.log(System.Logger.Level.WARNING,
					"Cleanup of plugin '" + uniqueId + "': terminateRemoteResource() returned false");
		}
		List<Long> ended = endLeftovers(seen, LEFTOVER_GRACE);
		return new PluginCleanup(Boolean.TRUE.equals(cleanedUp), Boolean.TRUE.equals(terminated), ended, errors);
	}

	/**
	 * Runs one call into a plugin, bounded. Calls with the same key wait for each other, so
	 * a cleanup requested while another still runs waits for it, within its own bound.
	 */
	private <T> @Nullable T bounded(String key, Duration timeout, String call, List<String> errors,
			Callable<@Nullable T> task) {
		try {
			return BoundedCalls.await(this.calls.submit(key, task), System.nanoTime() + timeout.toNanos(), timeout);
		}
		catch (BoundedCalls.PluginCallException ex) {
			errors.add(call + ": " + ex.getMessage());
			logger.log(System.Logger.Level.WARNING, "Cleanup of plugin '" + key.substring(key.indexOf(':') + 1)
					+ "' failed: " + call + ": " + ex.getMessage(), ex.getCause());
			return null;
		}
	}

	private boolean forceCleanup(String id, Object instance, Set<ProcessIdentity> seen) {
		if (!(instance instanceof LifecycleAwarePlugin lifecycle)) {
			return false;
		}
		for (Long pid : LifecycleAwarePlugin.getAllManagedPids(lifecycle)) {
			ProcessIdentity.of(pid).ifPresent(seen::add);
		}
		this.observer.observe(PluginOperation.CLEANUP, id, category(id), Map.of(), () -> {
			lifecycle.forceCleanup();
			return true;
		});
		logger.log(System.Logger.Level.INFO, "Cleaned up plugin '" + id + "'");
		return true;
	}

	/**
	 * Sets what observes each {@code forceCleanup()} ({@code plugins.cleanup}) and
	 * termination ({@code plugins.cloud.terminate}), and puts them in the plugin's log
	 * context.
	 * @param observer the observer, {@link PluginCallObserver#NONE} by default
	 */
	public void setObserver(PluginCallObserver observer) {
		this.observer = Objects.requireNonNull(observer, "observer must not be null");
	}

	private String category(String id) {
		return this.registry.getRegisteredPlugin(id).map((plugin) -> plugin.category()).orElse("unknown");
	}

	/**
	 * Gives a cloud-aware instance with a resource its last word, bounded, then terminates
	 * its remote resource, returning whether it says it did, and tells the listener when
	 * there was a resource to terminate.
	 */
	private boolean terminate(String id, CloudAwarePlugin cloud, Reason reason, Duration beforeTerminateBound) {
		boolean provisioned = cloud.getRemoteResourceInfo() != null;
		double hourlyUsd = provisioned ? price(cloud) : 0.0;
		boolean beforeTerminateFinished = provisioned && this.beforeTerminate.call(id, category(id), cloud, reason,
				this.observer, beforeTerminateBound);
		boolean terminated = false;
		String error = "terminateRemoteResource() returned false";
		try {
			terminated = this.observer.observe(PluginOperation.CLOUD_TERMINATE, id, category(id),
					Map.of("reason", reason.name().toLowerCase(Locale.ROOT)), cloud::terminateRemoteResource);
			if (terminated) {
				error = null;
				logger.log(System.Logger.Level.INFO, "Terminated the cloud resource of plugin '" + id + "'");
			}
			return terminated;
		}
		catch (RuntimeException ex) {
			error = "terminateRemoteResource(): " + BoundedCalls.describe(ex);
			throw ex;
		}
		finally {
			if (provisioned) {
				tell(new PluginCloudResourceTerminated(id, reason, hourlyUsd, terminated, beforeTerminateFinished),
						error);
			}
		}
	}

	private static double price(CloudAwarePlugin cloud) {
		try {
			double hourly = cloud.estimateCost(1.0);
			return (Double.isFinite(hourly) && hourly >= 0) ? hourly : 0.0;
		}
		catch (RuntimeException ex) {
			// The price only informs the event; the resource is terminated all the same.
			return 0.0;
		}
	}

	private void tell(PluginCloudResourceTerminated event, @Nullable String error) {
		try {
			this.terminations.terminated(event, error);
		}
		catch (RuntimeException ex) {
			logger.log(System.Logger.Level.WARNING, "A listener of cloud resource terminations failed", ex);
		}
	}

	private List<Long> endLeftovers(Set<ProcessIdentity> seen, Duration grace) {
		List<Long> ended = ProcessIdentity.end(seen, grace).stream().map(ProcessIdentity::pid).toList();
		if (!ended.isEmpty()) {
			logger.log(System.Logger.Level.WARNING,
					"Ended " + ended.size() + " plugin process(es) that survived cleanup: " + ended);
		}
		return ended;
	}

	/** Told of each cloud resource a {@link PluginShutdown} terminates, or fails to. */
	@FunctionalInterface
	public interface TerminationListener {

		/**
		 * Called on the terminating thread, after the plugin answered or threw.
		 * @param event the termination
		 * @param error why it failed, or null
		 */
		void terminated(PluginCloudResourceTerminated event, @Nullable String error);

	}

}
