package dev.unifiedplugins.actuate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

import dev.unifiedplugins.concurrent.BoundedCalls;
import dev.unifiedplugins.core.PluginMetadata;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.cost.CloudCostGuard;
import dev.unifiedplugins.systems.PluginSystemManager;
import dev.unifiedplugins.watch.PluginConfigWatcher;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of the plugin registry: UP with the number of categories, plugins and configured
 * plugins; DOWN when a plugin manager failed to register, or a ready-made manager left
 * out a plugin it could not describe (a broken JAR), with each failed category and its
 * error. Plugins whose last load or reload failed are listed in {@code loadErrors}, by
 * unique id, without changing the status. It reads only what the registry holds and calls
 * no plugin, so a slow plugin cannot slow it down.
 */
public class PluginsHealthIndicator extends AbstractHealthIndicator {

	private final UnifiedPluginRegistry registry;

	private final @Nullable PluginConfigWatcher watcher;

	private final @Nullable CloudCostGuard cloudCostGuard;

	/**
	 * Creates the indicator.
	 * @param registry the registry to report on
	 * @param watcher what follows the config store, for a detail on whether it can be
	 * read; null for none
	 * @param cloudCostGuard what knows the cloud budget, for a detail on it; null for none
	 */
	public PluginsHealthIndicator(UnifiedPluginRegistry registry, @Nullable PluginConfigWatcher watcher,
			@Nullable CloudCostGuard cloudCostGuard) {
		super("Plugin registry health check failed");
		this.registry = registry;
		this.watcher = watcher;
		this.cloudCostGuard = cloudCostGuard;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		List<PluginMetadata> plugins = this.registry.getRegisteredPlugins();
		long configured = plugins.stream().filter(PluginMetadata::configured).count();
		builder.withDetail("categories", this.registry.getCategories().size())
			.withDetail("plugins", plugins.size())
			.withDetail("configured", configured);
		// An unreachable store is a detail, not DOWN: the application goes on serving what it
		// has, and a restart would not bring the database back.
		String storeFailure = (this.watcher != null) ? this.watcher.getStoreFailure() : null;
		if (storeFailure != null) {
			builder.withDetail("store", Map.of("reachable", false, "error", storeFailure));
		}
		// A budget exceeded is a detail, never DOWN: a restarted pod does not stop the bill.
		CloudCostGuard.Status cost = (this.cloudCostGuard != null) ? this.cloudCostGuard.status() : null;
		if (cost != null && (cost.budget() != null || !cost.categoryBudgets().isEmpty())) {
			builder.withDetail("cloudBudget", budgetDetail(cost));
		}
		// Nor is an unreachable fleet: the guard goes on alone.
		CloudCostGuard.Fleet fleet = (cost != null) ? cost.fleet() : null;
		if (fleet != null) {
			Map<String, Object> detail = new LinkedHashMap<>();
			detail.put("instances", fleet.instances());
			detail.put("hourlyUsd", fleet.hourlyUsd());
			if (fleet.error() != null) {
				detail.put("error", fleet.error());
			}
			builder.withDetail("cloudFleet", detail);
		}
		// A failing load or reload is a detail, not DOWN: the previous instance, if any, goes on.
		Map<String, String> loadErrors = loadErrors();
		if (!loadErrors.isEmpty()) {
			builder.withDetail("loadErrors", loadErrors);
		}
		Map<String, String> failed = new LinkedHashMap<>();
		this.registry.getRegistrationFailures()
			.forEach((category, failure) -> failed.put(category, BoundedCalls.describe(failure)));
		addDiscoveryFailures(failed);
		if (failed.isEmpty()) {
			builder.up();
			return;
		}
		builder.down().withDetail("failed", failed);
	}

	/** The global budget's figures, if it is set, and each category budget's under "categories". */
	private static Map<String, Object> budgetDetail(CloudCostGuard.Status cost) {
		CloudCostGuard.Budget global = cost.budget();
		Map<String, Object> detail = new LinkedHashMap<>((global != null) ? budgetDetail(global) : Map.of());
		if (!cost.categoryBudgets().isEmpty()) {
			Map<String, Object> categories = new LinkedHashMap<>();
			cost.categoryBudgets().forEach((category, budget) -> categories.put(category, budgetDetail(budget)));
			detail.put("categories", categories);
		}
		return detail;
	}

	private static Map<String, Object> budgetDetail(CloudCostGuard.Budget budget) {
		Map<String, Object> detail = new LinkedHashMap<>();
		detail.put("hourlyUsd", budget.hourlyUsd());
		detail.put("exceeded", budget.exceeded());
		detail.put("action", budget.action().value());
		detail.put("runningHourlyUsd", budget.runningHourlyUsd());
		return detail;
	}

	/**
	 * Why each plugin whose last load or reload failed did, by unique id: from the plugins
	 * as registered, as the live lists would ask each loaded instance for its resources.
	 */
	private Map<String, String> loadErrors() {
		Map<String, String> errors = new LinkedHashMap<>();
		for (PluginMetadata plugin : this.registry.getRegisteredPlugins()) {
			if (this.registry.getManager(plugin.category()).orElse(null) instanceof PluginSystemManager<?> manager) {
				manager.getLoadError(plugin.name()).ifPresent((error) -> errors.put(plugin.uniqueId(), error));
			}
		}
		return errors;
	}

	/**
	 * A ready-made manager registers what it could describe and leaves the rest out: a
	 * broken JAR fails its category's health, named, though the category registered.
	 */
	private void addDiscoveryFailures(Map<String, String> failed) {
		for (String category : this.registry.getCategories()) {
			if (!failed.containsKey(category) && this.registry.getManager(category)
				.orElse(null) instanceof PluginSystemManager<?> manager && !manager.getDiscoveryFailures().isEmpty()) {
				StringJoiner left = new StringJoiner("; ", "left out ", "");
				manager.getDiscoveryFailures().forEach((source, error) -> left.add(source + ": " + error));
				failed.put(category, left.toString());
			}
		}
	}

}
