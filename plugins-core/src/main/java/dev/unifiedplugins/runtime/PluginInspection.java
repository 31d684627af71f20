package dev.unifiedplugins.runtime;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.unifiedplugins.utils.PluginStats;

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

	/**
	 * Statistics over the live metadata.
	 * @return the statistics
	 */
	public PluginStats stats() {
		return PluginStats.of(this.plugins.stream().map(PluginReport::metadata).toList());
	}

	/**
	 * The live PIDs of each plugin that has at least one.
	 * @return PIDs by unique id, in registration order
	 */
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
	 * The estimated cost for {@link #hours()} of each plugin with a running cloud resource.
	 * @return USD by unique id, in registration order
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

	/**
	 * The summed estimated cost for {@link #hours()}.
	 * @return USD
	 */
	public double totalCost() {
		return this.plugins.stream().map(PluginReport::cost).filter((cost) -> cost != null).mapToDouble(Double::doubleValue).sum();
	}

	/**
	 * The summed estimated cost of one hour.
	 * @return USD per hour
	 */
	public double hourlyCost() {
		return this.plugins.stream()
			.map(PluginReport::hourlyCost)
			.filter((cost) -> cost != null)
			.mapToDouble(Double::doubleValue)
			.sum();
	}

	/**
	 * The number of live processes the plugins manage.
	 * @return the count of distinct PIDs
	 */
	public int managedProcessCount() {
		return (int) this.plugins.stream().flatMap((report) -> report.metadata().spawnedPids().stream()).distinct().count();
	}

}
