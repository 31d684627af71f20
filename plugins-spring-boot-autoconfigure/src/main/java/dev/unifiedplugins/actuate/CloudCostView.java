package dev.unifiedplugins.actuate;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

import dev.unifiedplugins.actuate.PluginsEndpoint.BudgetDescriptor;
import dev.unifiedplugins.actuate.PluginsEndpoint.CategoryBudgetDescriptor;
import dev.unifiedplugins.actuate.PluginsEndpoint.CloudCostDescriptor;
import dev.unifiedplugins.actuate.PluginsEndpoint.FleetDescriptor;
import dev.unifiedplugins.actuate.PluginsEndpoint.PluginCloudCostDescriptor;
import dev.unifiedplugins.actuate.PluginsEndpoint.PluginEntry;
import dev.unifiedplugins.actuate.PluginsEndpoint.TerminationDescriptor;
import dev.unifiedplugins.cost.CloudCostGuard;
import org.jspecify.annotations.Nullable;

/**
 * What the {@code plugins} endpoint shows of the cloud cost guard rails: the accrued cost,
 * the budget, the fleet, and each plugin's accrued cost and last termination.
 */
final class CloudCostView {

	private final @Nullable CloudCostGuard guard;

	CloudCostView(@Nullable CloudCostGuard guard) {
		this.guard = guard;
	}

	/** The endpoint's cost figures, with the guard rails' when there is a guard. */
	CloudCostDescriptor describe(double hours, double totalUsd, double hourlyUsd, Map<String, Double> byPlugin) {
		if (this.guard == null) {
			return new CloudCostDescriptor(hours, totalUsd, hourlyUsd, byPlugin, 0.0, null, null);
		}
		CloudCostGuard.Status status = this.guard.status();
		CloudCostGuard.Fleet fleet = status.fleet();
		return new CloudCostDescriptor(hours, totalUsd, hourlyUsd, byPlugin,
				PluginsEndpoint.usd(status.accruedUsd()), budget(status), (fleet != null) ? fleet(fleet) : null);
	}

	/** The budgets, present when any is set. */
	private @Nullable BudgetDescriptor budget(CloudCostGuard.Status status) {
		CloudCostGuard.Budget budget = status.budget();
		if (budget == null && status.categoryBudgets().isEmpty()) {
			return null;
		}
		Map<String, CategoryBudgetDescriptor> categories = new TreeMap<>();
		status.categoryBudgets()
			.forEach((category, categoryBudget) -> categories.put(category, new CategoryBudgetDescriptor(
					categoryBudget.hourlyUsd(), categoryBudget.exceeded(), categoryBudget.action().value())));
		return (budget != null)
				? new BudgetDescriptor(budget.hourlyUsd(), budget.exceeded(), budget.action().value(), categories)
				: new BudgetDescriptor(null, false, this.guard.getSettings().budgetAction().value(), categories);
	}

	private static FleetDescriptor fleet(CloudCostGuard.Fleet fleet) {
		Map<String, Double> byInstance = new TreeMap<>();
		fleet.byInstance().forEach((instance, usd) -> byInstance.put(instance, PluginsEndpoint.usd(usd)));
		return new FleetDescriptor(fleet.instances(), PluginsEndpoint.usd(fleet.hourlyUsd()), byInstance,
				fleet.error());
	}

	/**
	 * Which plugins have no cost history, as of now: their entries show nothing of the
	 * guard rails. Taken once per request, so that most of the time (no cloud resource
	 * ever seen) the entries are not looked up one by one.
	 */
	Predicate<String> withoutHistory() {
		if (this.guard == null) {
			return (uniqueId) -> true;
		}
		CloudCostGuard.Status status = this.guard.status();
		Map<String, Double> accrued = status.accruedByPlugin();
		Map<String, CloudCostGuard.Termination> terminated = status.lastTerminations();
		if (accrued.isEmpty() && terminated.isEmpty()) {
			return (uniqueId) -> true;
		}
		return (uniqueId) -> !accrued.containsKey(uniqueId) && !terminated.containsKey(uniqueId);
	}

	PluginEntry withGuardRails(PluginEntry entry) {
		if (this.guard == null) {
			return entry;
		}
		CloudCostGuard.Status status = this.guard.status();
		Double accrued = status.accruedByPlugin().get(entry.uniqueId());
		CloudCostGuard.Termination last = status.lastTerminations().get(entry.uniqueId());
		if (accrued == null && last == null) {
			return entry;
		}
		return entry.withCloudCost(new PluginCloudCostDescriptor((accrued != null) ? PluginsEndpoint.usd(accrued) : 0.0,
				(last != null) ? new TerminationDescriptor(last.at(), last.reason(), PluginsEndpoint.usd(last.hourlyUsd()),
						last.succeeded(), last.beforeTerminateFinished(), last.error()) : null));
	}

}
