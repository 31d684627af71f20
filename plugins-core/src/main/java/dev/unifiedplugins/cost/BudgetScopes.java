package dev.unifiedplugins.cost;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import dev.unifiedplugins.cost.CloudCostFleet.Resource;
import dev.unifiedplugins.cost.CloudCostGuard.BudgetAction;
import org.jspecify.annotations.Nullable;

/**
 * The budgets a {@link CloudBudget} applies, one scope each: a category budget counts the
 * resources of its category, the global budget all of them. The rule, for each scope in
 * turn: when its resources cost more than its cap and its action is {@code terminate},
 * the most expensive go first, until the rest fit. The category scopes come first, by
 * name, then the global one: a resource that goes for its category counts as gone for the
 * global budget, so the global budget ends only what the categories left over it.
 * Every instance of a fleet walks the same scopes over the same list in the same order, so
 * their plans add up to the plan of one instance holding all the resources.
 */
final class BudgetScopes {

	private static final Comparator<Resource> MOST_EXPENSIVE_FIRST = Comparator
		.comparingDouble(Resource::hourlyUsd)
		.reversed()
		.thenComparing(Resource::instance)
		.thenComparing(Resource::uniqueId);

	private BudgetScopes() {
	}

	/** {@return the scopes of the settings' budgets: the categories' by name, then the global one} */
	static List<Scope> of(CloudCostGuard.Settings settings) {
		List<Scope> scopes = new ArrayList<>();
		settings.categoryBudgets()
			.forEach((category, budget) -> scopes.add(new Scope(category, budget.hourlyUsd(), budget.action())));
		Double cap = settings.budgetHourlyUsd();
		if (cap != null) {
			scopes.add(new Scope(null, cap, settings.budgetAction()));
		}
		return List.copyOf(scopes);
	}

	/**
	 * Walks {@code resources} down by price, scope after scope, until each scope's rest fits
	 * under its cap. Those already terminating count as going, and so do those of other
	 * instances (their owners terminate them when they apply the rule in turn); this
	 * instance's own go when {@code takeOwn} says they do, and each is offered once: one
	 * that {@code takeOwn} refuses (a failed termination) still bills, and the walk goes on
	 * with the next.
	 */
	static void walk(List<Scope> scopes, List<Resource> resources, String self, Predicate<String> takeOwn) {
		Set<Resource> going = new HashSet<>();
		for (Resource resource : resources) {
			if (resource.terminating()) {
				// Planned before, by its owner: never planned twice.
				going.add(resource);
			}
		}
		Set<Resource> offered = new HashSet<>();
		for (Scope scope : scopes) {
			if (scope.action() != BudgetAction.TERMINATE) {
				continue;
			}
			double left = 0;
			List<Resource> byPrice = new ArrayList<>();
			for (Resource resource : resources) {
				if (scope.covers(resource) && !going.contains(resource)) {
					left += resource.hourlyUsd();
					byPrice.add(resource);
				}
			}
			byPrice.sort(MOST_EXPENSIVE_FIRST);
			for (Resource resource : byPrice) {
				if (left <= scope.hourlyUsd()) {
					break;
				}
				boolean goes = !resource.instance().equals(self)
						|| (offered.add(resource) && takeOwn.test(resource.uniqueId()));
				if (goes) {
					left -= resource.hourlyUsd();
					going.add(resource);
				}
			}
		}
	}

	/** {@return the budgets that count a resource of the category, as their properties set them} */
	static String describe(CloudCostGuard.Settings settings, String category) {
		StringBuilder budgets = new StringBuilder();
		for (Scope scope : of(settings)) {
			if (scope.category() == null || scope.category().equals(category)) {
				budgets.append((budgets.length() > 0) ? " or " : "")
					.append(scope.property())
					.append('=')
					.append(scope.hourlyUsd());
			}
		}
		return budgets.toString();
	}

	/** {@return the summed hourly price of the resources the scope counts} */
	static double sum(Scope scope, List<Resource> resources) {
		double total = 0;
		for (Resource resource : resources) {
			if (scope.covers(resource)) {
				total += resource.hourlyUsd();
			}
		}
		return total;
	}

	/**
	 * One budget.
	 *
	 * @param category the category whose resources it counts, or null for all of them
	 * @param hourlyUsd its cap, in USD per hour
	 * @param action what to do when it is exceeded
	 */
	record Scope(@Nullable String category, double hourlyUsd, BudgetAction action) {

		boolean covers(Resource resource) {
			return this.category == null || this.category.equals(resource.category());
		}

		/** {@return the property that sets the cap} */
		String property() {
			return (this.category != null) ? "plugins.cost.budget.categories." + this.category + ".hourly-usd"
					: "plugins.cost.budget.hourly-usd";
		}

	}

}
