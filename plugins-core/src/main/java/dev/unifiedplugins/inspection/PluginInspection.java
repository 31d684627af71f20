package dev.unifiedplugins.inspection;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import dev.unifiedplugins.utils.PluginStats;
import org.jspecify.annotations.Nullable;

/**
 * The live state of every registered plugin at one moment.
 *
 * @param hours the duration the costs are estimated for
 * @param plugins one report per plugin, in registration order
 */
public record PluginInspection(double hours, List<PluginReport> plugins) {

	public PluginInspection {
		plugins = List.copyOf(plugins);
	}

	/** {@return statistics over the live metadata} */
	public PluginStats stats() {
		return PluginStats.of(this.plugins.stream().map(PluginReport::metadata).toList());
	}

	/** {@return the live PIDs of each plugin that has at least one, by unique id, in registration order} */
	public Map<String, List<Long>> managedPids() {
		Map<String, List<Long>> pids = new LinkedHashMap<>();
		for (PluginReport report : this.plugins) {
			if (!report.metadata().spawnedPids().isEmpty()) {
				pids.put(report.uniqueId(), report.metadata().spawnedPids());
			}
		}
		return pids;
	}

	/**
	 * {@return the estimated cost in USD for {@link #hours()} of each plugin with a running
	 * cloud resource, by unique id, in registration order}
	 */
	public Map<String, Double> costByPlugin() {
		Map<String, Double> costs = new LinkedHashMap<>();
		for (PluginReport report : this.plugins) {
			if (report.cost() != null) {
				costs.put(report.uniqueId(), report.cost());
			}
		}
		return costs;
	}

	/** {@return the summed estimated cost in USD for {@link #hours()}} */
	public double totalCost() {
		return sum(PluginReport::cost);
	}

	/** {@return the summed estimated cost in USD of one hour} */
	public double hourlyCost() {
		return sum(PluginReport::hourlyCost);
	}

	/** {@return the number of distinct live processes the plugins manage} */
	public int managedProcessCount() {
		return (int) this.plugins.stream().flatMap((report) -> report.metadata().spawnedPids().stream()).distinct().count();
	}

	private double sum(Function<PluginReport, @Nullable Double> cost) {
		return this.plugins.stream().map(cost).filter(Objects::nonNull).mapToDouble(Double::doubleValue).sum();
	}

}
