package dev.unifiedplugins.cost;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

import dev.unifiedplugins.concurrent.BoundedCalls;
import dev.unifiedplugins.concurrent.Listeners;
import dev.unifiedplugins.cost.CloudCostFleet.Resource;
import dev.unifiedplugins.cost.CloudCostGuard.Budget;
import dev.unifiedplugins.cost.BudgetScopes.Scope;
import dev.unifiedplugins.cost.CloudCostFleet.Running;
import dev.unifiedplugins.cost.CloudCostGuard.BudgetExceeded;
import dev.unifiedplugins.cost.CloudCostGuard.Fleet;
import dev.unifiedplugins.cost.CloudResourceSurvey.Observation;
import org.jspecify.annotations.Nullable;

/**
 * The budget step of a {@link CloudCostGuard} check, and the fleet's heartbeat. The rule:
 * when the running resources cost more than the cap, the most expensive go first, until
 * the rest fit; it applies to the global budget and to each category's, as
 * {@link BudgetScopes} explains. The same rule serves one instance alone and a fleet.
 * <p>
 * In a fleet, every instance applies it at its heartbeat, one after another under the
 * fleet's lock, to the same list in the same order (price, then instance name, then unique
 * id). The resources another instance is already terminating count as going; of the rest,
 * an instance plans to terminate only its own; one owned by another instance counts as
 * going too (its owner, applying the rule in turn, terminates it), so the instance goes
 * down the list only as far as the cap needs. The heartbeat records the plan (the planned
 * resources are terminating from then on) and releases the lock; only then are they
 * terminated, outside any transaction, and the outcome recorded. The owner then finds the
 * same list, and what it must end is its part of the same plan: the instances together
 * never terminate more than one instance holding all the resources would. Until the
 * owner's next check the fleet may stay over the cap; a termination that fails is planned
 * again at its owner's next check.
 * <p>
 * When the fleet cannot be reached, the rule applies to this instance's resources alone
 * (they are part of the fleet's, so their excess is the fleet's too), terminating at once
 * and going on with the next when one fails.
 * <p>
 * Either way, the terminations one check plans run concurrently, so that one plugin whose
 * cloud API hangs delays none of the others. Not thread-safe: the guard calls it under its
 * lock.
 */
final class CloudBudget {

	private static final System.Logger logger = System.getLogger(CloudBudget.class.getName());

	/** The instance name of a guard without a fleet. */
	private static final String ALONE = "";

	private final CloudCostGuard.Settings settings;

	private final @Nullable CloudCostFleet fleet;

	private final Listeners<BudgetExceeded> listeners;

	/** The category of a plugin, by unique id. */
	private final UnaryOperator<String> categories;

	private final List<Scope> scopes;

	/** The scopes found exceeded at the last check. */
	private final Set<Scope> exceeded = new HashSet<>();

	/** The last fleet seen. */
	private @Nullable Fleet fleetStatus;

	CloudBudget(CloudCostGuard.Settings settings, @Nullable CloudCostFleet fleet, Listeners<BudgetExceeded> listeners,
			UnaryOperator<String> categories) {
		this.settings = settings;
		this.fleet = fleet;
		this.listeners = listeners;
		this.categories = categories;
		this.scopes = BudgetScopes.of(settings);
	}

	/** {@return the budgets before the first check: none exceeded, nothing running} */
	Result initial() {
		return result(List.of(), List.of(), null);
	}

	void leaveFleet() {
		if (this.fleet != null) {
			this.fleet.leave();
		}
	}

	/**
	 * Publishes to the fleet, if any, and applies the budgets, removing from {@code running}
	 * what it terminated.
	 * @param terminate terminates some of this instance's resources for the budget at once,
	 * returning those it did end; never called while the fleet's lock is held
	 */
	Result check(Map<String, Observation> running, UnaryOperator<Set<String>> terminate) {
		Map<String, Resource> own = new LinkedHashMap<>();
		running.forEach((id, observation) -> own.put(id,
				new Resource(ALONE, id, observation.hourlyUsd(), this.categories.apply(id))));
		// This instance's resources that the budgets ended, whatever the instance name.
		List<Resource> ended = new ArrayList<>();
		UnaryOperator<Set<String>> end = (ids) -> {
			Set<String> done = terminate.apply(ids);
			done.forEach((id) -> {
				running.remove(id);
				ended.add(own.get(id));
			});
			return done;
		};
		List<Resource> seen = (this.fleet != null) ? heartbeat(own, end) : null;
		boolean inFleet = seen != null;
		if (seen == null) {
			seen = List.copyOf(own.values());
			alone(seen, end);
		}
		for (Scope scope : this.scopes) {
			double before = BudgetScopes.sum(scope, seen);
			if (before > scope.hourlyUsd() && !this.exceeded.contains(scope)) {
				logger.log(System.Logger.Level.WARNING, "Running cloud resources" + (inFleet ? " of the fleet" : "")
						+ ((scope.category() != null) ? " of category '" + scope.category() + "'" : "") + " cost "
						+ before + " USD per hour, over the budget of " + scope.hourlyUsd() + " USD per hour ("
						+ scope.property() + "); action: " + scope.action().value());
				this.listeners.deliver(new BudgetExceeded(before, scope.hourlyUsd(), scope.action(), scope.category()));
			}
		}
		return result(seen, ended, this.fleetStatus);
	}

	/**
	 * Applies the rule to this instance's resources alone, one scope after the other, as
	 * the walk orders them. Within a scope, the terminations a walk plans run at once; one
	 * that fails still bills, so the walk is made again without the ended ones, never
	 * offering a failed one twice, until it plans nothing new. A scope is done before the
	 * next is planned, since what the next must end depends on what this one did end: the
	 * same resources end as if they had been terminated one at a time, in order.
	 */
	private void alone(List<Resource> resources, UnaryOperator<Set<String>> end) {
		List<Resource> left = new ArrayList<>(resources);
		Set<String> refused = new HashSet<>();
		for (Scope scope : this.scopes) {
			while (true) {
				Set<String> planned = new LinkedHashSet<>();
				BudgetScopes.walk(List.of(scope), left, ALONE, (id) -> !refused.contains(id) && planned.add(id));
				if (planned.isEmpty()) {
					break;
				}
				Set<String> done = end.apply(planned);
				planned.removeAll(done);
				refused.addAll(planned);
				left.removeIf((resource) -> done.contains(resource.uniqueId()));
			}
		}
	}

	/**
	 * One heartbeat: plans the budgets' terminations for the fleet's resources under the
	 * fleet's lock, then, the lock released, terminates them and records how it went.
	 * @param own this instance's running resources, by unique id
	 * @param end terminates one of them, returning whether it did
	 * @return the fleet's resources the plan was made for, or null when the fleet did not
	 * answer
	 */
	private @Nullable List<Resource> heartbeat(Map<String, Resource> own, UnaryOperator<Set<String>> end) {
		CloudCostFleet fleet = Objects.requireNonNull(this.fleet);
		Map<String, Running> published = new LinkedHashMap<>();
		own.forEach((id, resource) -> published.put(id, new Running(resource.hourlyUsd(), resource.category())));
		List<Resource> seen = new ArrayList<>();
		List<String> planned = new ArrayList<>();
		CloudCostFleet.Snapshot snapshot;
		try {
			snapshot = fleet.heartbeat(published, (resources) -> {
				seen.clear();
				seen.addAll(resources);
				planned.clear();
				BudgetScopes.walk(this.scopes, resources, fleet.instanceName(),
						(id) -> own.containsKey(id) && planned.add(id));
				return List.copyOf(planned);
			});
		}
		catch (RuntimeException ex) {
			String error = BoundedCalls.describe(ex);
			Fleet last = this.fleetStatus;
			if (last == null || last.error() == null) {
				logger.log(System.Logger.Level.WARNING, "Could not publish to the cloud cost fleet (" + error
						+ "); the budget applies to this instance's resources until it is back", ex);
			}
			this.fleetStatus = (last != null) ? new Fleet(last.instances(), last.hourlyUsd(), last.byInstance(), error)
					: new Fleet(0, 0, Map.of(), error);
			return null;
		}
		// The lock is released: the plugin calls and the listeners run outside it.
		Map<String, Double> byInstance = new LinkedHashMap<>(snapshot.hourlyByInstance());
		if (!planned.isEmpty()) {
			Set<String> succeeded = end.apply(new LinkedHashSet<>(planned));
			Set<String> failed = new LinkedHashSet<>(planned);
			failed.removeAll(succeeded);
			for (String id : succeeded) {
				double price = own.get(id).hourlyUsd();
				byInstance.computeIfPresent(fleet.instanceName(), (name, usd) -> usd - price);
			}
			fleet.terminated(succeeded, failed);
		}
		Fleet last = this.fleetStatus;
		if (last != null && last.error() != null && snapshot.error() == null) {
			logger.log(System.Logger.Level.INFO, "The cloud cost fleet is reachable again");
		}
		this.fleetStatus = new Fleet(byInstance.size(), sum(byInstance.values()), byInstance, snapshot.error());
		return seen;
	}

	/**
	 * The budgets after a check: each counts what it saw running less what this instance
	 * terminated of it, and is exceeded when that is still over its cap.
	 */
	private Result result(List<Resource> seen, List<Resource> ended, @Nullable Fleet fleet) {
		Budget global = null;
		Map<String, Budget> byCategory = new TreeMap<>();
		this.exceeded.clear();
		for (Scope scope : this.scopes) {
			double after = BudgetScopes.sum(scope, seen) - BudgetScopes.sum(scope, ended);
			boolean over = after > scope.hourlyUsd();
			if (over) {
				this.exceeded.add(scope);
			}
			Budget budget = new Budget(scope.hourlyUsd(), over, scope.action(), after);
			if (scope.category() != null) {
				byCategory.put(scope.category(), budget);
			}
			else {
				global = budget;
			}
		}
		return new Result(global, byCategory, fleet);
	}

	private static double sum(Iterable<Double> amounts) {
		double total = 0;
		for (double usd : amounts) {
			total += usd;
		}
		return total;
	}

	static double hourly(Map<String, Observation> running) {
		double hourly = 0;
		for (Observation observation : running.values()) {
			hourly += observation.hourlyUsd();
		}
		return hourly;
	}

	/**
	 * What the budget step found.
	 *
	 * @param budget the global budget after it, or null when none is set
	 * @param categoryBudgets the category budgets after it, by category
	 * @param fleet the fleet, or null without one
	 */
	record Result(@Nullable Budget budget, Map<String, Budget> categoryBudgets, @Nullable Fleet fleet) {
	}

}
