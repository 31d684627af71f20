package dev.unifiedplugins.jdbc;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.unifiedplugins.cost.CloudCostFleet.Resource;
import dev.unifiedplugins.cost.CloudCostFleet.Running;

import org.springframework.jdbc.core.JdbcOperations;

/**
 * The SQL of the table {@code <table>_cloud_resources} of {@link JdbcCloudCostFleet}: one
 * row per running cloud resource of the fleet, with the instance that owns it, its
 * plugin's unique id and category, its hourly price, and whether its owner is terminating
 * it. Every method runs in the caller's transaction, under the fleet's lock.
 */
final class FleetResourcesTable {

	final String name;

	private final String deleteInstance;

	private final String deleteOne;

	private final String insert;

	private final String terminating;

	private final String select;

	FleetResourcesTable(String name) {
		this.name = PluginConfigTable.requireValidName(name);
		// The table name is the only thing concatenated into SQL, and it was checked.
		this.deleteInstance = "DELETE FROM " + name + " WHERE instance_name = ?";
		this.deleteOne = "DELETE FROM " + name + " WHERE instance_name = ? AND unique_id = ?";
		this.insert = "INSERT INTO " + name
				+ " (instance_name, unique_id, hourly_usd, category, terminating) VALUES (?, ?, ?, ?, FALSE)";
		this.terminating = "UPDATE " + name + " SET terminating = ? WHERE instance_name = ? AND unique_id = ?";
		this.select = "SELECT instance_name, unique_id, hourly_usd, terminating, category FROM " + name
				+ " ORDER BY instance_name, unique_id";
	}

	/** Replaces an instance's resources: none of them is being terminated now. */
	void publish(JdbcOperations jdbc, String instance, Map<String, Running> running) {
		deleteInstance(jdbc, instance);
		if (running.isEmpty()) {
			return;
		}
		List<Object[]> rows = new ArrayList<>();
		running.forEach((uniqueId, resource) -> rows
			.add(new Object[] { instance, uniqueId, resource.hourlyUsd(), resource.category() }));
		jdbc.batchUpdate(this.insert, rows);
	}

	/** {@return every resource of the fleet, by instance name and unique id} */
	List<Resource> read(JdbcOperations jdbc) {
		return jdbc.query(this.select, (rows, i) -> new Resource(rows.getString(1), rows.getString(2),
				rows.getDouble(3), rows.getBoolean(4), rows.getString(5)));
	}

	/** Marks resources of an instance as being terminated, or as running again. */
	void setTerminating(JdbcOperations jdbc, String instance, Collection<String> uniqueIds, boolean terminating) {
		if (uniqueIds.isEmpty()) {
			return;
		}
		List<Object[]> rows = new ArrayList<>();
		uniqueIds.forEach((uniqueId) -> rows.add(new Object[] { terminating, instance, uniqueId }));
		jdbc.batchUpdate(this.terminating, rows);
	}

	/** Deletes resources of an instance that ended. */
	void delete(JdbcOperations jdbc, String instance, Collection<String> uniqueIds) {
		for (String uniqueId : uniqueIds) {
			jdbc.update(this.deleteOne, instance, uniqueId);
		}
	}

	/**
	 * {@return the summed hourly price of the resources of each live instance, by name}
	 * Terminating ones are included: they bill until they are gone.
	 */
	static Map<String, Double> byInstance(Collection<String> live, List<Resource> fleet) {
		Map<String, Double> byInstance = new TreeMap<>();
		live.forEach((instance) -> byInstance.put(instance, 0.0));
		for (Resource resource : fleet) {
			byInstance.computeIfPresent(resource.instance(), (instance, usd) -> usd + resource.hourlyUsd());
		}
		return byInstance;
	}

	void deleteInstance(JdbcOperations jdbc, String instance) {
		jdbc.update(this.deleteInstance, instance);
	}

	/** Deletes the resources of the instances of {@code instances} silent since {@code cutoff}. */
	void deleteSilent(JdbcOperations jdbc, String instances, OffsetDateTime cutoff) {
		jdbc.update("DELETE FROM " + this.name + " WHERE instance_name IN (SELECT instance_name FROM " + instances
				+ " WHERE heartbeat_at < ?)", cutoff);
	}

}
