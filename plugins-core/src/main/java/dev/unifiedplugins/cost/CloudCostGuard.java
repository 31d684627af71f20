package dev.unifiedplugins.cost;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import dev.unifiedplugins.concurrent.BoundedCalls;
import dev.unifiedplugins.concurrent.Listeners;
import dev.unifiedplugins.concurrent.PeriodicTasks;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.observation.PluginCallObserver;
import dev.unifiedplugins.cost.CloudResourceSurvey.Answers;
import dev.unifiedplugins.cost.CloudResourceSurvey.Observation;
import dev.unifiedplugins.protocols.CloudActivitySource;
import dev.unifiedplugins.protocols.PluginCloudResourceTerminated;
import dev.unifiedplugins.protocols.PluginCloudResourceTerminated.Reason;
import org.jspecify.annotations.Nullable;

/**
 * Keeps the cost of the plugins' cloud resources in check. Each {@link #check()} accrues
 * the cost of the running resources and terminates those past the idle timeout or the
 * maximum lifetime (counted from when this guard first saw them running), or over the
 * budget or their category's budget, most expensive first; with a {@link CloudCostFleet}
 * the budgets cap the fleet's resources and each instance terminates only its own, as
 * {@link CloudBudget} explains.
 * Nothing a plugin does makes a check throw; a failed termination is tried again at the
 * next check, and an unreachable fleet leaves the budget applied to this instance's
 * resources until it is back. No lock of the fleet is held while a plugin is called or a
 * listener runs.
 * <p>
 * The accrued cost is an estimate: a resource that stops between two checks is counted
 * until the last check that saw it running.
 */
public final class CloudCostGuard {

	private static final System.Logger logger = System.getLogger(CloudCostGuard.class.getName());

	private final Clock clock;

	private final Settings settings;

	private final CloudResourceSurvey survey;

	private final CloudResourceTerminator terminator;

	/** Guarded by this. */
	private final CloudCostAccrual accrual = new CloudCostAccrual();

	/** Guarded by this. */
	private final CloudBudget budget;

	private final Listeners<PluginCloudResourceTerminated> listeners = new Listeners<>("cloud resource terminations");

	private final Listeners<BudgetExceeded> budgetListeners = new Listeners<>("the cloud budget");

	/** The resources terminated outside the checks, whose accrual the next check ends. */
	private final Queue<String> terminatedElsewhere = new ConcurrentLinkedQueue<>();

	private final CloudActivitySources activitySources;

	/** Guards replacing the status, which checks and recorded terminations both do. */
	private final Object statusLock = new Object();

	/** Held by a check, one at a time; a lock rather than a monitor, for a bounded wait. */
	private final ReentrantLock checking = new ReentrantLock();

	private final UnifiedPluginRegistry registry;

	/** The budgets' categories no registered plugin system had yet: each is warned about once. */
	private final Set<String> unknownBudgetCategories;

	private volatile Status status;

	private volatile PluginCallObserver observer = PluginCallObserver.NONE;

	/**
	 * Creates a guard.
	 * @param registry the registry whose plugins to watch
	 * @param calls where calls into plugin code run
	 * @param clock the time source of accrual and limits; the fleet's heartbeats take the
	 * fleet's own clock (the database's), not this one
	 * @param settings the limits
	 * @param fleet the fleet this instance belongs to, whose resources the budget then caps,
	 * or null for none
	 */
	public CloudCostGuard(UnifiedPluginRegistry registry, BoundedCalls calls, Clock clock, Settings settings,
			@Nullable CloudCostFleet fleet) {
		this.registry = Objects.requireNonNull(registry, "registry must not be null");
		Objects.requireNonNull(calls, "calls must not be null");
		this.clock = Objects.requireNonNull(clock, "clock must not be null");
		this.settings = Objects.requireNonNull(settings, "settings must not be null");
		this.survey = new CloudResourceSurvey(registry, calls, settings.callTimeout());
		UnaryOperator<String> categories = (id) -> registry.getRegisteredPlugin(id)
			.map((plugin) -> plugin.category())
			.orElse("unknown");
		this.terminator = new CloudResourceTerminator(calls, settings, this.listeners, categories);
		this.activitySources = new CloudActivitySources(calls, settings.callTimeout(), categories);
		this.budget = new CloudBudget(settings, fleet, this.budgetListeners, categories);
		this.unknownBudgetCategories = ConcurrentHashMap.newKeySet();
		this.unknownBudgetCategories.addAll(settings.categoryBudgets().keySet());
		CloudBudget.Result initial = this.budget.initial();
		this.status = new Status(null, 0, Map.of(), 0, initial.budget(), Map.of(), null, initial.categoryBudgets());
	}

	/**
	 * Sets what observes each termination, and puts the calls of
	 * {@code terminateRemoteResource()} in the plugin's log context.
	 * @param observer the observer, {@link PluginCallObserver#NONE} by default
	 */
	public void setObserver(PluginCallObserver observer) {
		this.observer = observer;
		this.terminator.setObserver(observer);
		this.survey.setObserver(observer);
	}

	/**
	 * Sets the sources asked, besides each plugin, when its resource was last used: on each
	 * check with an idle timeout, the latest answer wins; one that fails or does not answer
	 * within the {@linkplain Settings#callTimeout() call timeout} counts as activity now.
	 * @param sources the sources, in the order to ask them; none by default
	 */
	public void setActivitySources(List<? extends CloudActivitySource> sources) {
		this.activitySources.setSources(sources);
	}

	/**
	 * Sets the bound on each plugin's {@code beforeTerminate}, called before each of this
	 * guard's terminations.
	 * @param timeout the bound, {@link BeforeTerminateHook#DEFAULT_TIMEOUT} by default
	 */
	public void setBeforeTerminateTimeout(Duration timeout) {
		this.terminator.setBeforeTerminateTimeout(timeout);
	}

	/** {@return the limits this guard enforces} */
	public Settings getSettings() {
		return this.settings;
	}

	/**
	 * Adds a listener of terminations, successful or not: this guard's own and those
	 * {@linkplain #recordTermination recorded} by others. It is called on the terminating
	 * thread; what it throws is logged and ignored.
	 * @param listener the listener
	 */
	public void addListener(Consumer<? super PluginCloudResourceTerminated> listener) {
		this.listeners.add(listener);
	}

	/** Removes a listener added with {@link #addListener(Consumer)}. */
	public void removeListener(Consumer<? super PluginCloudResourceTerminated> listener) {
		this.listeners.remove(listener);
	}

	/**
	 * Adds a listener called each time the running resources start costing more than the
	 * budget, or those of a category more than the category's budget. It is called on the checking thread; what it throws is logged and ignored.
	 * @param listener the listener
	 */
	public void addBudgetListener(Consumer<? super BudgetExceeded> listener) {
		this.budgetListeners.add(listener);
	}

	/** Removes a listener added with {@link #addBudgetListener(Consumer)}. */
	public void removeBudgetListener(Consumer<? super BudgetExceeded> listener) {
		this.budgetListeners.remove(listener);
	}

	/** {@return what the last check found; cheap, it calls no plugin} */
	public Status status() {
		return this.status;
	}

	/**
	 * Records a termination done outside the checks, at shutdown ({@link Reason#SHUTDOWN})
	 * or by an operator ({@link Reason#OPERATOR}): it becomes the plugin's last
	 * termination, a successful one ends the resource's accrual (from the next check on),
	 * and the listeners get it. It does not wait for a running check, so that an
	 * operator's request returns on time.
	 * @param event the termination
	 * @param error why it failed, or null
	 */
	public void recordTermination(PluginCloudResourceTerminated event, @Nullable String error) {
		Objects.requireNonNull(event, "event must not be null");
		if (event.succeeded()) {
			this.terminatedElsewhere.add(event.uniqueId());
		}
		this.terminator.record(event, this.clock.instant(), error);
		synchronized (this.statusLock) {
			Status last = this.status;
			this.status = new Status(last.checkedAt(), last.accruedUsd(), last.accruedByPlugin(), last.hourlyUsd(),
					last.budget(), this.terminator.lastTerminations(), last.fleet(), last.categoryBudgets());
		}
	}

	/**
	 * Checks every cloud resource once: accrues its cost, terminates it when a limit says so.
	 * @return the status after the check
	 */
	public Status check() {
		this.checking.lock();
		try {
			return checkNow();
		}
		catch (RuntimeException ex) {
			logger.log(System.Logger.Level.WARNING, "Cloud cost check failed: " + BoundedCalls.describe(ex), ex);
			return this.status;
		}
		finally {
			this.checking.unlock();
		}
	}

	/**
	 * Leaves the fleet, as this instance stops: the others stop counting its resources at
	 * once rather than when its heartbeat gets too old. It waits for a running check at most
	 * the call timeout ({@code plugins.resource-timeout}), so that a listener of that check
	 * which ignores the interrupt cannot hold up the shutdown; it then leaves all the same,
	 * and that check's heartbeat, if it comes after, only keeps the instance in the fleet
	 * until it is too old. Never throws.
	 */
	public void leaveFleet() {
		boolean locked = false;
		try {
			locked = this.checking.tryLock(this.settings.callTimeout().toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		if (!locked) {
			logger.log(System.Logger.Level.WARNING, "A cloud cost check still runs after plugins.resource-timeout="
					+ this.settings.callTimeout() + "; leaving the fleet without waiting for it");
		}
		try {
			this.budget.leaveFleet();
		}
		finally {
			if (locked) {
				this.checking.unlock();
			}
		}
	}

	private Status checkNow() {
		Instant now = this.clock.instant();
		warnOfUnknownBudgetCategories();
		for (String id = this.terminatedElsewhere.poll(); id != null; id = this.terminatedElsewhere.poll()) {
			this.accrual.forget(id);
		}
		Answers answers = this.survey.observe();
		if (this.settings.idleTimeout() != null) {
			this.activitySources.update(answers.running(), now, this.observer);
		}
		this.accrual.accrue(answers, now);
		this.terminator.retain(answers.asked());
		Map<String, Observation> running = answers.running();
		Map<String, Reason> due = new LinkedHashMap<>();
		running.forEach((id, observation) -> {
			Reason reason = this.accrual.limitReached(id, observation, now, this.settings);
			if (reason != null) {
				due.put(id, reason);
			}
		});
		terminate(due, running, now).forEach(running::remove);
		// With a fleet, the budget's terminations run after the fleet's lock is released.
		CloudBudget.Result budget = this.budget.check(running, (ids) -> {
			Map<String, Reason> overBudget = new LinkedHashMap<>();
			ids.forEach((id) -> overBudget.put(id, Reason.BUDGET));
			return terminate(overBudget, running, now);
		});
		synchronized (this.statusLock) {
			Status result = new Status(now, this.accrual.accruedUsd(), this.accrual.accruedByPlugin(),
					CloudBudget.hourly(running), budget.budget(), this.terminator.lastTerminations(), budget.fleet(),
					budget.categoryBudgets());
			this.status = result;
			return result;
		}
	}

	/**
	 * A budget of a category that no plugin system has is most likely a typo, which would
	 * cap nothing: said once, at the first check, by which an application's plugin systems
	 * have registered (the guard is created before them).
	 */
	private void warnOfUnknownBudgetCategories() {
		if (this.unknownBudgetCategories.isEmpty()) {
			return;
		}
		List<String> known = this.registry.getCategories();
		for (String category : List.copyOf(this.unknownBudgetCategories)) {
			this.unknownBudgetCategories.remove(category);
			if (!known.contains(category)) {
				logger.log(System.Logger.Level.WARNING, "plugins.cost.budget.categories." + category
						+ " caps category '" + category + "', which no plugin system has (they are " + known
						+ "); it caps nothing until one registers");
			}
		}
	}

	private Set<String> terminate(Map<String, Reason> due, Map<String, Observation> running, Instant now) {
		Set<String> succeeded = this.terminator.terminate(due, running, now);
		succeeded.forEach(this.accrual::forget);
		return succeeded;
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
	 * @param categoryBudgets the caps on the resources of the plugins of a category, by
	 * category; they hold besides the global cap
	 */
	public record Settings(@Nullable Duration idleTimeout, @Nullable Duration maxLifetime,
			@Nullable Double budgetHourlyUsd, BudgetAction budgetAction, Duration callTimeout,
			Map<String, CategoryBudget> categoryBudgets) {

		public Settings {
			Objects.requireNonNull(budgetAction, "budgetAction must not be null");
			// Sorted: every instance of a fleet applies the category budgets in the same order.
			categoryBudgets = Collections.unmodifiableSortedMap(
					new TreeMap<>(Objects.requireNonNull(categoryBudgets, "categoryBudgets must not be null")));
			PeriodicTasks.requirePositive(callTimeout, "callTimeout");
			if (idleTimeout != null) {
				PeriodicTasks.requirePositive(idleTimeout, "idleTimeout");
			}
			if (maxLifetime != null) {
				PeriodicTasks.requirePositive(maxLifetime, "maxLifetime");
			}
			if (budgetHourlyUsd != null && (!Double.isFinite(budgetHourlyUsd) || budgetHourlyUsd < 0)) {
				throw new IllegalArgumentException(
						"budgetHourlyUsd must be a finite amount of USD >= 0, not " + budgetHourlyUsd);
			}
		}

		/** Settings without category budgets. */
		public Settings(@Nullable Duration idleTimeout, @Nullable Duration maxLifetime,
				@Nullable Double budgetHourlyUsd, BudgetAction budgetAction, Duration callTimeout) {
			this(idleTimeout, maxLifetime, budgetHourlyUsd, budgetAction, callTimeout, Map.of());
		}

		/**
		 * {@return settings without limits: the guard only accrues cost}
		 * @param callTimeout the bound on each call into a plugin
		 */
		public static Settings accrueOnly(Duration callTimeout) {
			return new Settings(null, null, null, BudgetAction.WARN, callTimeout);
		}

	}

	/**
	 * The cap on what the running resources of the plugins of one category cost together.
	 *
	 * @param hourlyUsd the cap, in USD per hour
	 * @param action what to do when it is exceeded
	 */
	public record CategoryBudget(double hourlyUsd, BudgetAction action) {

		public CategoryBudget {
			Objects.requireNonNull(action, "action must not be null");
			if (!Double.isFinite(hourlyUsd) || hourlyUsd < 0) {
				throw new IllegalArgumentException("hourlyUsd must be a finite amount of USD >= 0, not " + hourlyUsd);
			}
		}

	}

	/** What to do when the running resources cost more than the budget. */
	public enum BudgetAction {

		/** Log, notify the budget listeners and report it; terminate nothing. */
		WARN,

		/** Terminate running resources, most expensive first, until the rest fit. */
		TERMINATE;

		/** {@return the action as the property names it: {@code warn} or {@code terminate}} */
		public String value() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}

	}

	/**
	 * The last check's findings.
	 *
	 * @param checkedAt when the last check ran, or null before the first
	 * @param accruedUsd the estimated USD accrued since start by the resources seen running
	 * @param accruedByPlugin the same by unique id, for the plugins ever seen running that
	 * were registered at the last check (the others' share stays in the total)
	 * @param hourlyUsd the summed hourly price of the resources running after the check
	 * @param budget the budget, or null when none is set
	 * @param lastTerminations each plugin's last termination, by unique id, for the plugins
	 * registered at the last check
	 * @param fleet the fleet, or null without one
	 * @param categoryBudgets the category budgets by category, each counting the resources
	 * of its category only; empty when none is set
	 */
	public record Status(@Nullable Instant checkedAt, double accruedUsd, Map<String, Double> accruedByPlugin,
			double hourlyUsd, @Nullable Budget budget, Map<String, Termination> lastTerminations,
			@Nullable Fleet fleet, Map<String, Budget> categoryBudgets) {

		public Status {
			accruedByPlugin = Map.copyOf(accruedByPlugin);
			lastTerminations = Map.copyOf(lastTerminations);
			categoryBudgets = Collections.unmodifiableSortedMap(new TreeMap<>(categoryBudgets));
		}

	}

	/**
	 * The fleet as the last heartbeat found it: its live instances and what their running
	 * cloud resources cost.
	 *
	 * @param instances the number of live instances, this one included
	 * @param hourlyUsd the fleet's summed hourly price, in USD
	 * @param byInstance the same by instance name
	 * @param error why the last heartbeat failed (the figures are then those of the last
	 * heartbeat that succeeded), or what is wrong with the fleet though it succeeded (an
	 * instance name used by two live processes), or null
	 */
	public record Fleet(int instances, double hourlyUsd, Map<String, Double> byInstance, @Nullable String error) {

		public Fleet {
			byInstance = Map.copyOf(byInstance);
		}

	}

	/**
	 * A budget (the global one, or a category's) and whether the running resources it counts
	 * exceed it.
	 *
	 * @param hourlyUsd the cap, in USD per hour
	 * @param exceeded whether the resources running after the last check cost more
	 * @param action what happens when they do
	 * @param runningHourlyUsd what the resources it counts, running after the last check,
	 * cost per hour: the fleet's, with a fleet
	 */
	public record Budget(double hourlyUsd, boolean exceeded, BudgetAction action, double runningHourlyUsd) {
	}

	/**
	 * The running resources started to cost more than the budget, or those of a category
	 * more than the category's budget.
	 *
	 * @param hourlyUsd what they cost, in USD per hour
	 * @param budgetHourlyUsd the budget, in USD per hour
	 * @param action what the guard does about it
	 * @param category the category whose budget it is, or null for the global budget
	 */
	public record BudgetExceeded(double hourlyUsd, double budgetHourlyUsd, BudgetAction action,
			@Nullable String category) {

		/** The global budget was exceeded. */
		public BudgetExceeded(double hourlyUsd, double budgetHourlyUsd, BudgetAction action) {
			this(hourlyUsd, budgetHourlyUsd, action, null);
		}

	}

	/**
	 * An automatic termination.
	 *
	 * @param at when it was done
	 * @param reason why
	 * @param hourlyUsd the resource's price per hour then
	 * @param succeeded whether it succeeded
	 * @param error why it failed, or null
	 * @param beforeTerminateFinished whether the plugin's {@code beforeTerminate} returned in
	 * time, without throwing, before it
	 */
	public record Termination(Instant at, Reason reason, double hourlyUsd, boolean succeeded,
			@Nullable String error, boolean beforeTerminateFinished) {

		/**
		 * A termination whose plugin's {@code beforeTerminate} finished.
		 * @param at when it was done
		 * @param reason why
		 * @param hourlyUsd the resource's price per hour then
		 * @param succeeded whether it succeeded
		 * @param error why it failed, or null
		 */
		public Termination(Instant at, Reason reason, double hourlyUsd, boolean succeeded, @Nullable String error) {
			this(at, reason, hourlyUsd, succeeded, error, true);
		}

	}

}
