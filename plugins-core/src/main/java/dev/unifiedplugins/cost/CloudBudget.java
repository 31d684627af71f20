package dev.unifiedplugins.cost;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

import dev.unifiedplugins.concurrent.BoundedCalls;
import dev.unifiedplugins.concurrent.Listeners;
import dev.unifiedplugins.cost.CloudCostFleet.Resource;
import dev.unifiedplugins.cost.CloudCostGuard.Budget;
import dev.unifiedplugins.cost.CloudCostGuard.BudgetAction;
import dev.unifiedplugins.cost.CloudCostGuard.BudgetExceeded;
import dev.unifiedplugins.cost.CloudCostGuard.Fleet;
import dev.unifiedplugins.cost.CloudResourceSurvey.Observation;
import org.jspecify.annotations.Nullable;

/**
 * The budget step of a {@link CloudCostGuard} check, and the fleet's heartbeat. The rule:
 * when the running resources cost more than the cap, the most expensive go first, until
 * the rest fit. The same rule serves one instance alone and a fleet.
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
 * and going on with the next when one fails. Not thread-safe: the guard calls it under its
 * lock.
 */
final class CloudBudget {

	private static final System.Logger logger = System.getLogger(CloudBudget.class.getName());

	/** The instance name of a guard without a fleet. */
	private static final String ALONE = "";

	private static final Comparator<Resource> MOST_EXPENSIVE_FIRST = Comparator
		.comparingDouble(Resource::hourlyUsd)
		.reversed()
		.thenComparing(Resource::instance)
		.thenComparing(Resource::uniqueId);

	private final CloudCostGuard.Settings settings;

	private final @Nullable CloudCostFleet fleet;

	private final Listeners<BudgetExceeded> listeners;

	private boolean exceeded;

	/** The last fleet seen. */
	private @Nullable Fleet fleetStatus;

	CloudBudget(CloudCostGuard.Settings settings, @Nullable CloudCostFleet fleet, Listeners<BudgetExceeded> listeners) {
		this.settings = settings;
		this.fleet = fleet;
		this.listeners = listeners;
	}

	@Nullable Budget initial() {
		return budget(0, false);
	}

	void leaveFleet() {
		if (this.fleet != null) {
			this.fleet.leave();
		}
	}

	/**
	 * Publishes to the fleet, if any, and applies the budget, removing from {@code running}
	 * what it terminated.
	 * @param terminate terminates one of this instance's resources for the budget, returning
	 * whether it did; never called while the fleet's lock is held
	 */
	Result check(Map<String, Observation> running, Predicate<String> terminate) {
		Double cap = this.settings.budgetHourlyUsd();
		Hourly hourly = (this.fleet != null) ? heartbeat(running, cap, terminate) : null;
		boolean inFleet = hourly != null;
		if (hourly == null) {
			double before = hourly(running);
			if (cap != null) {
				walk(resources(running), ALONE, cap, (id) -> {
					if (running.containsKey(id) && terminate.test(id)) {
						running.remove(id);
						return true;
					}
					// One that fails still bills: go on with the next, so the cap holds.
					return false;
				});
			}
			hourly = new Hourly(before, hourly(running));
		}
		if (cap != null && hourly.before() > cap && !this.exceeded) {
			logger.log(System.Logger.Level.WARNING,
					"Running cloud resources" + (inFleet ? " of the fleet" : "") + " cost " + hourly.before()
							+ " USD per hour, over the budget of " + cap
							+ " USD per hour (plugins.cost.budget.hourly-usd); action: "
							+ this.settings.budgetAction().value());
			this.listeners.deliver(new BudgetExceeded(hourly.before(), cap, this.settings.budgetAction()));
		}
		this.exceeded = cap != null && hourly.after() > cap;
		return new Result(budget(hourly.after(), this.exceeded), this.fleetStatus);
	}

	/**
	 * One heartbeat: plans the budget's terminations for the fleet's resources under the
	 * fleet's lock, then, the lock released, terminates them and records how it went.
	 * @return the fleet's hourly price before and after, or null when the fleet did not
	 * answer
	 */
	private @Nullable Hourly heartbeat(Map<String, Observation> running, @Nullable Double cap,
			Predicate<String> terminate) {
		CloudCostFleet fleet = Objects.requireNonNull(this.fleet);
		Map<String, Double> prices = new LinkedHashMap<>();
		running.forEach((id, observation) -> prices.put(id, observation.hourlyUsd()));
		List<Resource> seen = new ArrayList<>();
		List<String> planned = new ArrayList<>();
		CloudCostFleet.Snapshot snapshot;
		try {
			snapshot = fleet.heartbeat(prices, (resources) -> {
				seen.clear();
				seen.addAll(resources);
				planned.clear();
				if (cap != null) {
					walk(resources, fleet.instanceName(), cap,
							(id) -> running.containsKey(id) && planned.add(id));
				}
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
			Set<String> succeeded = new LinkedHashSet<>();
			Set<String> failed = new LinkedHashSet<>();
			for (String id : planned) {
				double price = running.get(id).hourlyUsd();
				if (terminate.test(id)) {
					succeeded.add(id);
					running.remove(id);
					byInstance.computeIfPresent(fleet.instanceName(), (name, usd) -> usd - price);
				}
				else {
					failed.add(id);
				}
			}
			fleet.terminated(succeeded, failed);
		}
		Fleet last = this.fleetStatus;
		if (last != null && last.error() != null && snapshot.error() == null) {
			logger.log(System.Logger.Level.INFO, "The cloud cost fleet is reachable again");
		}
		Fleet now = new Fleet(byInstance.size(), sum(byInstance.values()), byInstance, snapshot.error());
		this.fleetStatus = now;
		return new Hourly(sum(seen), now.hourlyUsd());
	}

	/**
	 * Walks {@code resources} down by price until the rest fit under the cap, when the action
	 * is {@code terminate}: those already terminating count as going, and so do those of
	 * other instances (their owners terminate them); this instance's own go when
	 * {@code takeOwn} says they do.
	 */
	private void walk(List<Resource> resources, String self, double cap, Predicate<String> takeOwn) {
		double planned = sum(resources);
		if (planned <= cap || this.settings.budgetAction() != BudgetAction.TERMINATE) {
			return;
		}
		List<Resource> byPrice = new ArrayList<>();
		for (Resource resource : resources) {
			if (resource.terminating()) {
				// Planned before, by its owner: never planned twice.
				planned -= resource.hourlyUsd();
			}
			else {
				byPrice.add(resource);
			}
		}
		byPrice.sort(MOST_EXPENSIVE_FIRST);
		for (Resource resource : byPrice) {
			if (planned <= cap) {
				break;
			}
			if (!resource.instance().equals(self)) {
				// Its owner terminates it when it applies the rule in turn.
				planned -= resource.hourlyUsd();
			}
			else if (takeOwn.test(resource.uniqueId())) {
				planned -= resource.hourlyUsd();
			}
		}
	}

	private @Nullable Budget budget(double hourly, boolean exceeded) {
		Double cap = this.settings.budgetHourlyUsd();
		return (cap != null) ? new Budget(cap, exceeded, this.settings.budgetAction(), hourly) : null;
	}

	private static List<Resource> resources(Map<String, Observation> running) {
		List<Resource> resources = new ArrayList<>();
		running.forEach((id, observation) -> resources.add(new Resource(ALONE, id, observation.hourlyUsd())));
		return resources;
	}

	private static double sum(List<Resource> resources) {
		double total = 0;
		for (Resource resource : resources) {
			total += resource.hourlyUsd();
		}
		return total;
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
	 * @param budget the budget after it, or null when none is set
	 * @param fleet the fleet, or null without one
	 */
	record Result(@Nullable Budget budget, @Nullable Fleet fleet) {
	}

	/** The hourly price of the resources the budget applies to, before and after it did. */
	private record Hourly(double before, double after) {
	}

}
