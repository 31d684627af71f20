package dev.unifiedplugins.cost;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

import dev.unifiedplugins.concurrent.BoundedCalls;
import dev.unifiedplugins.concurrent.Listeners;
import dev.unifiedplugins.cost.CloudCostGuard.Termination;
import dev.unifiedplugins.cost.CloudResourceSurvey.Observation;
import dev.unifiedplugins.observation.PluginCallObserver;
import dev.unifiedplugins.observation.PluginOperation;
import dev.unifiedplugins.protocols.PluginCloudResourceTerminated;
import dev.unifiedplugins.protocols.PluginCloudResourceTerminated.Reason;
import org.jspecify.annotations.Nullable;

/**
 * Terminates the resources a {@link CloudCostGuard} decides to end, each call bounded, and
 * keeps what every termination did: the plugin's last termination, the log line, and the
 * event to the listeners. Terminations done elsewhere (at shutdown, by an operator) are
 * recorded here too, so that all of them reach the same listeners.
 */
final class CloudResourceTerminator {

	private static final System.Logger logger = System.getLogger(CloudResourceTerminator.class.getName());

	private final BoundedCalls calls;

	private final CloudCostGuard.Settings settings;

	private final Listeners<PluginCloudResourceTerminated> listeners;

	private final UnaryOperator<String> categories;

	private volatile PluginCallObserver observer = PluginCallObserver.NONE;

	private volatile BeforeTerminateHook beforeTerminate;

	/** Guarded by this. */
	private final Map<String, Termination> lastTerminations = new LinkedHashMap<>();

	CloudResourceTerminator(BoundedCalls calls, CloudCostGuard.Settings settings,
			Listeners<PluginCloudResourceTerminated> listeners, UnaryOperator<String> categories) {
		this.calls = calls;
		this.categories = categories;
		this.settings = settings;
		this.listeners = listeners;
		this.beforeTerminate = new BeforeTerminateHook(calls, BeforeTerminateHook.DEFAULT_TIMEOUT);
	}

	void setBeforeTerminateTimeout(Duration timeout) {
		this.beforeTerminate = new BeforeTerminateHook(this.calls, timeout);
	}

	void setObserver(PluginCallObserver observer) {
		this.observer = Objects.requireNonNull(observer, "observer must not be null");
	}

	/**
	 * Terminates the resources of several plugins at once, each as one termination does
	 * (its plugin's last word, then the bounded call), so that one whose hook or cloud API
	 * hangs holds up none of the others; then records each, in order, on the calling thread.
	 * Never throws.
	 * @param due why each resource is terminated, by unique id
	 * @param running the resources seen running, by unique id; holds every key of {@code due}
	 * @return the unique ids whose termination succeeded
	 */
	Set<String> terminate(Map<String, Reason> due, Map<String, Observation> running, Instant now) {
		Set<String> succeeded = new LinkedHashSet<>();
		// On the bounded-call pool, each under a key of its own: the hook and the call an
		// attempt waits for then run on the pool's second one, as calls of a call do.
		Map<String, Future<Attempt>> futures = new LinkedHashMap<>();
		due.forEach((id, reason) -> futures.put(id,
				this.calls.submit("terminate:" + id, () -> attempt(id, running.get(id), reason))));
		for (Map.Entry<String, Future<Attempt>> entry : futures.entrySet()) {
			Attempt attempt = outcome(entry.getKey(), running.get(entry.getKey()), due.get(entry.getKey()),
					entry.getValue());
			record(attempt.event(), now, attempt.error());
			if (attempt.event().succeeded()) {
				succeeded.add(entry.getKey());
			}
		}
		return succeeded;
	}

	/**
	 * Waits for one attempt. Each is bounded by its hook's and its call's timeouts, so that
	 * the wait ends when they do; only an interrupt (the application stopping) cuts it short.
	 */
	private Attempt outcome(String id, Observation observation, Reason reason, Future<Attempt> future) {
		String error;
		try {
			return future.get();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			future.cancel(true);
			error = "interrupted while terminating, as the application stops";
		}
		catch (ExecutionException ex) {
			error = BoundedCalls.describe(ex.getCause());
		}
		return new Attempt(new PluginCloudResourceTerminated(id, reason, observation.hourlyUsd(), false, false), error);
	}

	/**
	 * Gives the plugin its last word, then terminates its resource, each bounded and
	 * observed; logs the outcome, which the caller records. Never throws.
	 */
	private Attempt attempt(String id, Observation observation, Reason reason) {
		String category = this.categories.apply(id);
		boolean finished = this.beforeTerminate.call(id, category, observation.plugin(), reason, this.observer);
		AtomicReference<@Nullable String> failure = new AtomicReference<>();
		// The observation's outcome is failure when the call answers false.
		this.observer.observe(PluginOperation.CLOUD_TERMINATE, id, category,
				Map.of("reason", reason.name().toLowerCase(Locale.ROOT)), () -> {
					failure.set(call(id, category, observation));
					return failure.get() == null;
				});
		String error = failure.get();
		String what = "the cloud resource of plugin '" + id + "' (" + describe(reason, category) + "), priced "
				+ observation.hourlyUsd() + " USD per hour";
		if (error == null) {
			logger.log(System.Logger.Level.WARNING, "Terminated " + what);
		}
		else {
			logger.log(System.Logger.Level.WARNING,
					"Could not terminate " + what + ": " + error + "; trying again at the next check");
		}
		return new Attempt(
				new PluginCloudResourceTerminated(id, reason, observation.hourlyUsd(), error == null, finished), error);
	}

	/** Calls {@code terminateRemoteResource()}, bounded; returns why it failed, or null. */
	private @Nullable String call(String id, String category, Observation observation) {
		Duration timeout = this.settings.callTimeout();
		try {
			Boolean result = BoundedCalls.await(
					this.calls.submit(CloudResourceSurvey.key(id),
							this.observer.inContext(id, category, observation.plugin()::terminateRemoteResource)),
					System.nanoTime() + timeout.toNanos(), timeout);
			return Boolean.TRUE.equals(result) ? null : "terminateRemoteResource() returned false";
		}
		catch (BoundedCalls.PluginCallException ex) {
			return "terminateRemoteResource(): " + ex.getMessage();
		}
	}

	/** A termination done, not yet recorded. */
	private record Attempt(PluginCloudResourceTerminated event, @Nullable String error) {
	}

	/** Remembers a termination as its plugin's last, and delivers it to the listeners. */
	void record(PluginCloudResourceTerminated event, Instant at, @Nullable String error) {
		synchronized (this) {
			this.lastTerminations.put(event.uniqueId(),
					new Termination(at, event.reason(), event.hourlyUsd(), event.succeeded(), error,
							event.beforeTerminateFinished()));
		}
		this.listeners.deliver(event);
	}

	/** Forgets the last terminations of the plugins no longer registered. */
	synchronized void retain(Set<String> registered) {
		this.lastTerminations.keySet().retainAll(registered);
	}

	synchronized Map<String, Termination> lastTerminations() {
		return Map.copyOf(this.lastTerminations);
	}

	private String describe(Reason reason, String category) {
		return switch (reason) {
			case IDLE -> "no activity for plugins.cloud.idle-timeout=" + this.settings.idleTimeout();
			case LIFETIME -> "running for plugins.cloud.max-lifetime=" + this.settings.maxLifetime();
			case BUDGET -> "over " + BudgetScopes.describe(this.settings, category);
			default -> reason.name();
		};
	}

}
