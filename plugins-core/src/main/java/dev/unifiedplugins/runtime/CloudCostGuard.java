package dev.unifiedplugins.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import dev.unifiedplugins.core.PluginMetadata;
import dev.unifiedplugins.core.RemoteResourceInfo;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.protocols.CloudAwarePlugin;
import dev.unifiedplugins.protocols.PluginCloudResourceTerminated;
import dev.unifiedplugins.protocols.PluginCloudResourceTerminated.Reason;
import org.jspecify.annotations.Nullable;

/**
 * Keeps the cost of the plugins' cloud resources in check. Each {@link #check()} asks every
 * cloud-aware plugin for its resource, price and last activity, each call bounded in time,
 * and then:
 * <ul>
 * <li>accrues the cost of each resource seen running, its hourly price times the time
 * since the previous check that saw it running, per plugin and in total;</li>
 * <li>terminates a resource idle for longer than the idle timeout, or running for longer
 * than the maximum lifetime, counted from when this guard first saw it running;</li>
 * <li>compares the summed hourly price of the running resources with the budget, and
 * either reports it exceeded or terminates resources, most expensive first, until the sum
 * is within it.</li>
 * </ul>
 * Each termination is bounded in time, logged, remembered as its plugin's last termination
 * and delivered to the listeners. One that fails is tried again at the next check. Nothing
 * a plugin does makes {@link #check()} throw.
 * <p>
 * The accrued cost is an estimate: the plugins' own prices, integrated over the checks.
 * A resource that stops between two checks is counted until the last check that saw it
 * running.
 */
public final class CloudCostGuard {

	private static final System.Logger logger = System.getLogger(CloudCostGuard.class.getName());

	private static final double NANOS_PER_HOUR = Duration.ofHours(1).toNanos();

	private final UnifiedPluginRegistry registry;

	private final BoundedCalls calls;

	private final Clock clock;

	private final Settings settings;

	private final List<Consumer<? super PluginCloudResourceTerminated>> listeners = new CopyOnWriteArrayList<>();

	private final List<Consumer<? super BudgetExceeded>> budgetListeners = new CopyOnWriteArrayList<>();

	/** The resources seen running, by unique id. Guarded by this. */
	private final Map<String, Tracked> tracked = new HashMap<>();

	/** Accrued USD by unique id, since start. Guarded by this. */
	private final Map<String, Double> accrued = new LinkedHashMap<>();

	/** Guarded by this. */
	private final Map<String, Termination> lastTerminations = new LinkedHashMap<>();

	/** Guarded by this. */
	private boolean budgetExceeded;

	private volatile Status status;

	/**
	 * Creates a guard.
	 * @param registry the registry whose plugins to watch
	 * @param calls where calls into plugin code run
	 * @param clock the time source
	 * @param settings the limits
	 */
	public CloudCostGuard(UnifiedPluginRegistry registry, BoundedCalls calls, Clock clock, Settings settings) {
		this.registry = Objects.requireNonNull(registry, "registry must not be null");
		this.calls = Objects.requireNonNull(calls, "calls must not be null");
		this.clock = Objects.requireNonNull(clock, "clock must not be null");
		this.settings = Objects.requireNonNull(settings, "settings must not be null");
		this.status = new Status(null, 0, Map.of(), 0, budget(0, false), Map.of());
	}

	/**
	 * The limits this guard enforces.
	 * @return the settings
	 */
	public Settings getSettings() {
		return this.settings;
	}

	/**
	 * Adds a listener of automatic terminations, successful or not. It is called on the
	 * checking thread; what it throws is logged and ignored.
	 * @param listener the listener
	 */
	public void addListener(Consumer<? super PluginCloudResourceTerminated> listener) {
		this.listeners.add(Objects.requireNonNull(listener, "listener must not be null"));
	}

	/**
	 * Removes a listener added with {@link #addListener(Consumer)}.
	 * @param listener the listener
	 */
	public void removeListener(Consumer<? super PluginCloudResourceTerminated> listener) {
		this.listeners.remove(listener);
	}

	/**
	 * Adds a listener called each time the running resources start costing more than the
	 * budget. It is called on the checking thread; what it throws is logged and ignored.
	 * @param listener the listener
	 */
	public void addBudgetListener(Consumer<? super BudgetExceeded> listener) {
		this.budgetListeners.add(Objects.requireNonNull(listener, "listener must not be null"));
	}

	/**
	 * Removes a listener added with {@link #addBudgetListener(Consumer)}.
	 * @param listener the listener
	 */
	public void removeBudgetListener(Consumer<? super BudgetExceeded> listener) {
		this.budgetListeners.remove(listener);
	}

	/**
	 * What the last check found; cheap, it calls no plugin.
	 * @return the status
	 */
	public Status status() {
		return this.status;
	}

	/**
	 * Checks every cloud resource once: accrues its cost, terminates it when a limit says so.
	 * @return the status after the check
	 */
	public synchronized Status check() {
		try {
			return checkNow();
		}
		catch (RuntimeException ex) {
			logger.log(System.Logger.Level.WARNING, "Cloud cost check failed: " + BoundedCalls.describe(ex), ex);
			return this.status;
		}
	}

	private Status checkNow() {
		Instant now = this.clock.instant();
		Map<String, Observation> running = observe();
		accrue(running, now);
		List<String> terminated = new ArrayList<>();
		for (Map.Entry<String, Observation> entry : running.entrySet()) {
			String id = entry.getKey();
			Reason reason = limitReached(this.tracked.get(id), entry.getValue(), now);
			if (reason != null && terminate(id, entry.getValue(), reason, now)) {
				terminated.add(id);
			}
		}
		terminated.forEach(running::remove);
		double hourly = hourly(running);
		Double cap = this.settings.budgetHourlyUsd();
		if (cap != null && hourly > cap) {
			if (!this.budgetExceeded) {
				logger.log(System.Logger.Level.WARNING,
						"Running cloud resources cost " + hourly + " USD per hour, over the budget of " + cap
								+ " USD per hour (plugins.cost.budget.hourly-usd); action: "
								+ this.settings.budgetAction().value());
				notifyBudget(new BudgetExceeded(hourly, cap, this.settings.budgetAction()));
			}
			if (this.settings.budgetAction() == BudgetAction.TERMINATE) {
				hourly = enforceBudget(running, cap, now);
			}
		}
		this.budgetExceeded = cap != null && hourly > cap;
		Status result = new Status(now, total(), Map.copyOf(this.accrued), hourly,
				budget(hourly, this.budgetExceeded), Map.copyOf(this.lastTerminations));
		this.status = result;
		return result;
	}

	/** Asks every cloud-aware plugin for its resource; only those running are returned. */
	private Map<String, Observation> observe() {
		long deadline = System.nanoTime() + this.settings.callTimeout().toNanos();
		Map<String, Future<@Nullable Observation>> asked = new LinkedHashMap<>();
		for (PluginMetadata plugin : this.registry.getRegisteredPlugins()) {
			String id = plugin.uniqueId();
			asked.put(id, this.calls.submit(key(id), () -> observe(id)));
		}
		this.tracked.keySet().retainAll(asked.keySet());
		Map<String, Observation> running = new LinkedHashMap<>();
		asked.forEach((id, future) -> {
			try {
				Observation observation = BoundedCalls.await(future, deadline, this.settings.callTimeout());
				if (observation != null) {
					running.put(id, observation);
				}
				else {
					this.tracked.remove(id);
				}
			}
			catch (BoundedCalls.PluginCallException ex) {
				// Unknown: keep what was seen, so the next answer accrues the whole gap.
				logger.log(System.Logger.Level.DEBUG,
						"Could not ask plugin '" + id + "' for its cloud resource: " + ex.getMessage());
			}
		});
		return running;
	}

	private @Nullable Observation observe(String id) {
		Object instance = this.registry.getPluginInstance(id).orElse(null);
		if (!(instance instanceof CloudAwarePlugin cloud)) {
			return null;
		}
		RemoteResourceInfo resource = cloud.getRemoteResourceInfo();
		if (resource == null || !resource.isRunning()) {
			return null;
		}
		double hourly = cloud.estimateCost(1.0);
		if (!Double.isFinite(hourly) || hourly < 0) {
			throw new IllegalStateException(
					"estimateCost(1.0) returned " + hourly + "; expected a finite amount of USD >= 0");
		}
		Optional<Instant> lastActivity = cloud.getLastActivity();
		return new Observation(cloud, identity(resource), hourly,
				(lastActivity != null) ? lastActivity.orElse(null) : null);
	}

	private void accrue(Map<String, Observation> running, Instant now) {
		running.forEach((id, observation) -> {
			Tracked seen = this.tracked.get(id);
			if (seen == null || !seen.identity().equals(observation.identity())) {
				this.tracked.put(id, new Tracked(observation.identity(), now, now, observation.hourlyUsd()));
				this.accrued.putIfAbsent(id, 0.0);
				return;
			}
			long nanos = Math.max(0, Duration.between(seen.lastSeen(), now).toNanos());
			this.accrued.merge(id, seen.hourlyUsd() * (nanos / NANOS_PER_HOUR), Double::sum);
			this.tracked.put(id, new Tracked(seen.identity(), seen.firstSeen(), now, observation.hourlyUsd()));
		});
	}

	private @Nullable Reason limitReached(Tracked seen, Observation observation, Instant now) {
		Duration idleTimeout = this.settings.idleTimeout();
		if (idleTimeout != null && observation.lastActivity() != null) {
			// A resource this guard has just seen start is given the whole timeout, whatever
			// the plugin did before.
			Instant since = observation.lastActivity().isAfter(seen.firstSeen()) ? observation.lastActivity()
					: seen.firstSeen();
			if (Duration.between(since, now).compareTo(idleTimeout) >= 0) {
				return Reason.IDLE;
			}
		}
		Duration maxLifetime = this.settings.maxLifetime();
		if (maxLifetime != null && Duration.between(seen.firstSeen(), now).compareTo(maxLifetime) >= 0) {
			return Reason.LIFETIME;
		}
		return null;
	}

	/** Terminates the most expensive resources until the rest fit; returns the new total. */
	private double enforceBudget(Map<String, Observation> running, double cap, Instant now) {
		List<Map.Entry<String, Observation>> byPrice = new ArrayList<>(running.entrySet());
		byPrice.sort(Comparator.comparingDouble((Map.Entry<String, Observation> entry) -> entry.getValue().hourlyUsd())
			.reversed());
		double hourly = hourly(running);
		for (Map.Entry<String, Observation> entry : byPrice) {
			if (hourly <= cap) {
				break;
			}
			// One that fails still bills: go on with the next, so the cap holds.
			if (terminate(entry.getKey(), entry.getValue(), Reason.BUDGET, now)) {
				hourly -= entry.getValue().hourlyUsd();
				running.remove(entry.getKey());
			}
		}
		return hourly(running);
	}

	private boolean terminate(String id, Observation observation, Reason reason, Instant now) {
		Duration timeout = this.settings.callTimeout();
		String error = null;
		try {
			Boolean result = BoundedCalls.await(this.calls.submit(key(id), observation.plugin()::terminateRemoteResource),
					System.nanoTime() + timeout.toNanos(), timeout);
			if (!Boolean.TRUE.equals(result)) {
				error = "terminateRemoteResource() returned false";
			}
		}
		catch (BoundedCalls.PluginCallException ex) {
			error = "terminateRemoteResource(): " + ex.getMessage();
		}
		boolean succeeded = error == null;
		String what = "the cloud resource of plugin '" + id + "' (" + describe(reason) + "), priced "
				+ observation.hourlyUsd() + " USD per hour";
		if (succeeded) {
			logger.log(System.Logger.Level.WARNING, "Terminated " + what);
			this.tracked.remove(id);
		}
		else {
			logger.log(System.Logger.Level.WARNING,
					"Could not terminate " + what + ": " + error + "; trying again at the next check");
		}
		this.lastTerminations.put(id, new Termination(now, reason, observation.hourlyUsd(), succeeded, error));
		PluginCloudResourceTerminated event = new PluginCloudResourceTerminated(id, reason, observation.hourlyUsd(),
				succeeded);
		for (Consumer<? super PluginCloudResourceTerminated> listener : this.listeners) {
			try {
				listener.accept(event);
			}
			catch (RuntimeException ex) {
				logger.log(System.Logger.Level.WARNING, "A listener of cloud resource terminations failed", ex);
			}
		}
		return succeeded;
	}

	private String describe(Reason reason) {
		return switch (reason) {
			case IDLE -> "no activity for plugins.cloud.idle-timeout=" + this.settings.idleTimeout();
			case LIFETIME -> "running for plugins.cloud.max-lifetime=" + this.settings.maxLifetime();
			case BUDGET -> "over plugins.cost.budget.hourly-usd=" + this.settings.budgetHourlyUsd();
			default -> reason.name();
		};
	}

	private void notifyBudget(BudgetExceeded event) {
		for (Consumer<? super BudgetExceeded> listener : this.budgetListeners) {
			try {
				listener.accept(event);
			}
			catch (RuntimeException ex) {
				logger.log(System.Logger.Level.WARNING, "A listener of the cloud budget failed", ex);
			}
		}
	}

	private @Nullable Budget budget(double hourly, boolean exceeded) {
		Double cap = this.settings.budgetHourlyUsd();
		return (cap != null) ? new Budget(cap, exceeded, this.settings.budgetAction(), hourly) : null;
	}

	private double total() {
		double total = 0;
		for (double usd : this.accrued.values()) {
			total += usd;
		}
		return total;
	}

	private static double hourly(Map<String, Observation> running) {
		double hourly = 0;
		for (Observation observation : running.values()) {
			hourly += observation.hourlyUsd();
		}
		return hourly;
	}

	private static String key(String id) {
		return "cost:" + id;
	}

	/** What tells one resource from the next one its plugin provisions. */
	private static String identity(RemoteResourceInfo resource) {
		return resource.provider() + "|" + resource.instanceId() + "|" + resource.jobId() + "|"
				+ resource.endpointUrl();
	}

	/**
	 * The limits of a guard.
	 *
	 * @param idleTimeout how long a resource may go without activity, or null for no limit
	 * @param maxLifetime how long a resource may run, or null for no limit
	 * @param budgetHourlyUsd the cap on the summed hourly price of the running resources, or
	 * null for none
	 * @param budgetAction what to do when the cap is exceeded
	 * @param callTimeout the bound on each call into a plugin
	 */
	public record Settings(@Nullable Duration idleTimeout, @Nullable Duration maxLifetime,
			@Nullable Double budgetHourlyUsd, BudgetAction budgetAction, Duration callTimeout) {

		public Settings {
			Objects.requireNonNull(budgetAction, "budgetAction must not be null");
			requirePositive(callTimeout, "callTimeout");
			if (idleTimeout != null) {
				requirePositive(idleTimeout, "idleTimeout");
			}
			if (maxLifetime != null) {
				requirePositive(maxLifetime, "maxLifetime");
			}
			if (budgetHourlyUsd != null && (!Double.isFinite(budgetHourlyUsd) || budgetHourlyUsd < 0)) {
				throw new IllegalArgumentException(
						"budgetHourlyUsd must be a finite amount of USD >= 0, not " + budgetHourlyUsd);
			}
		}

		/**
		 * Settings without limits: the guard only accrues cost.
		 * @param callTimeout the bound on each call into a plugin
		 * @return the settings
		 */
		public static Settings accrueOnly(Duration callTimeout) {
			return new Settings(null, null, null, BudgetAction.WARN, callTimeout);
		}

		private static void requirePositive(@Nullable Duration duration, String name) {
			Objects.requireNonNull(duration, name + " must not be null");
			if (duration.isNegative() || duration.isZero()) {
				throw new IllegalArgumentException(name + " must be a positive duration, not " + duration);
			}
		}

	}

	/**
	 * What to do when the running resources cost more than the budget.
	 */
	public enum BudgetAction {

		/** Log, notify the budget listeners and report it; terminate nothing. */
		WARN,

		/** Terminate running resources, most expensive first, until the rest fit. */
		TERMINATE;

		/**
		 * The action as the property names it.
		 * @return {@code warn} or {@code terminate}
		 */
		public String value() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}

	}

	/**
	 * The last check's findings.
	 *
	 * @param checkedAt when the last check ran, or null before the first
	 * @param accruedUsd the estimated USD accrued since start by the resources seen running
	 * @param accruedByPlugin the same by unique id, for the plugins ever seen running
	 * @param hourlyUsd the summed hourly price of the resources running after the check
	 * @param budget the budget, or null when none is set
	 * @param lastTerminations each plugin's last automatic termination, by unique id
	 */
	public record Status(@Nullable Instant checkedAt, double accruedUsd, Map<String, Double> accruedByPlugin,
			double hourlyUsd, @Nullable Budget budget, Map<String, Termination> lastTerminations) {

		public Status {
			accruedByPlugin = Map.copyOf(accruedByPlugin);
			lastTerminations = Map.copyOf(lastTerminations);
		}

		/**
		 * The unique ids of the plugins with a cost or a termination to show.
		 * @return the ids
		 */
		public Set<String> pluginIds() {
			return java.util.stream.Stream.concat(this.accruedByPlugin.keySet().stream(),
					this.lastTerminations.keySet().stream())
				.collect(Collectors.toUnmodifiableSet());
		}

	}

	/**
	 * The budget and whether the running resources exceed it.
	 *
	 * @param hourlyUsd the cap, in USD per hour
	 * @param exceeded whether the resources running after the last check cost more
	 * @param action what happens when they do
	 * @param runningHourlyUsd what the resources running after the last check cost per hour
	 */
	public record Budget(double hourlyUsd, boolean exceeded, BudgetAction action, double runningHourlyUsd) {
	}

	/**
	 * The running resources started to cost more than the budget.
	 *
	 * @param hourlyUsd what they cost, in USD per hour
	 * @param budgetHourlyUsd the budget, in USD per hour
	 * @param action what the guard does about it
	 */
	public record BudgetExceeded(double hourlyUsd, double budgetHourlyUsd, BudgetAction action) {
	}

	/**
	 * An automatic termination.
	 *
	 * @param at when it was done
	 * @param reason why
	 * @param hourlyUsd the resource's price per hour then
	 * @param succeeded whether it succeeded
	 * @param error why it failed, or null
	 */
	public record Termination(Instant at, Reason reason, double hourlyUsd, boolean succeeded,
			@Nullable String error) {
	}

	private record Observation(CloudAwarePlugin plugin, String identity, double hourlyUsd,
			@Nullable Instant lastActivity) {
	}

	private record Tracked(String identity, Instant firstSeen, Instant lastSeen, double hourlyUsd) {
	}

}
