package dev.unifiedplugins.jdbc;

import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

import javax.sql.DataSource;

import dev.unifiedplugins.cost.CloudCostFleet;
import dev.unifiedplugins.concurrent.PeriodicTasks;

/**
 * The cloud cost fleet of the instances that share a {@link JdbcPluginConfigStore}: three
 * tables next to the store's, named after it. The provided schema scripts create them for
 * the default table ({@code plugin_config_cloud_instances},
 * {@code plugin_config_cloud_resources} and {@code plugin_config_cloud_lock}); a script
 * for another table name must create its own.
 * <ul>
 * <li>{@code <table>_cloud_instances}: one row per live instance, its name and the time of
 * its last heartbeat;</li>
 * <li>{@code <table>_cloud_resources}: one row per running cloud resource, the instance
 * that owns it, its plugin's unique id and its hourly price;</li>
 * <li>{@code <table>_cloud_lock}: the one row {@code fleet} that each heartbeat locks
 * ({@code SELECT ... FOR UPDATE}, on PostgreSQL and H2 alike), inserted by the first
 * heartbeat.</li>
 * </ul>
 * A heartbeat is one transaction holding that lock from start to end: it records this
 * instance's heartbeat, deletes the instances (and their resources) not heard from for the
 * drop-out time, replaces this instance's resources, reads the fleet's, lets the guard
 * decide and terminate, and deletes the resources it terminated. The heartbeats of the fleet
 * thus run one after another, each seeing what the previous one did; the lock is held while
 * this instance terminates, each termination bounded by the guard's call timeout.
 * <p>
 * Heartbeats are compared with the time the guard gives, so the instances' clocks must
 * agree to well within the drop-out time. Nothing of a configuration is written here.
 */
public class JdbcCloudCostFleet implements CloudCostFleet {

	private static final System.Logger logger = System.getLogger(JdbcCloudCostFleet.class.getName());

	private static final String LOCK_ROW = "fleet";

	private final DataSource dataSource;

	private final String instanceName;

	private final Duration dropOutAfter;

	private final String instances;

	private final String resources;

	private final String lock;

	/**
	 * Creates the fleet of a store's table. Nothing is read until the first heartbeat.
	 * @param dataSource where the tables are
	 * @param tableName the store's table: the fleet's tables are named after it
	 * @param instanceName this instance's name, unique in the fleet: 1 to
	 * {@value JdbcPluginConfigStore#MAX_INSTANCE_NAME_LENGTH} characters
	 * @param dropOutAfter how long after its last heartbeat an instance is forgotten, with its
	 * resources
	 * @throws IllegalArgumentException when a table name is illegal, the instance name blank
	 * or too long, or the drop-out time not positive
	 */
	public JdbcCloudCostFleet(DataSource dataSource, String tableName, String instanceName, Duration dropOutAfter) {
		this.dataSource = Objects.requireNonNull(dataSource, "dataSource must not be null");
		PluginConfigTable.requireValidName(tableName);
		this.instances = PluginConfigTable.requireValidName(tableName + "_cloud_instances");
		this.resources = PluginConfigTable.requireValidName(tableName + "_cloud_resources");
		this.lock = PluginConfigTable.requireValidName(tableName + "_cloud_lock");
		this.instanceName = InstanceNames.requireValid(instanceName);
		this.dropOutAfter = PeriodicTasks.requirePositive(dropOutAfter, "dropOutAfter");
	}

	@Override
	public String instanceName() {
		return this.instanceName;
	}

	/**
	 * How long after its last heartbeat an instance is forgotten.
	 * @return the drop-out time
	 */
	public Duration getDropOutAfter() {
		return this.dropOutAfter;
	}

	/**
	 * {@inheritDoc}
	 * @throws UncheckedIOException when the database cannot be reached or the tables are
	 * missing; the transaction is rolled back
	 */
	@Override
	public Snapshot heartbeat(Instant now, Map<String, Double> running, Decision decision) {
		Objects.requireNonNull(now, "now must not be null");
		Objects.requireNonNull(running, "running must not be null");
		Objects.requireNonNull(decision, "decision must not be null");
		try {
			// A unique violation can only come from two first heartbeats inserting the lock
			// row at once, before anything else: the loser runs again and waits for the lock.
			return JdbcTransaction.run(this.dataSource, true, (connection) -> {
				lock(connection);
				beat(connection, now);
				publish(connection, running);
				List<Resource> fleet = readResources(connection);
				Set<String> terminated = decision.terminateOwn(List.copyOf(fleet));
				unpublish(connection, terminated);
				Map<String, Double> byInstance = new TreeMap<>();
				for (String instance : readInstances(connection)) {
					byInstance.put(instance, 0.0);
				}
				for (Resource resource : fleet) {
					if (!(resource.instance().equals(this.instanceName) && terminated.contains(resource.uniqueId()))) {
						byInstance.merge(resource.instance(), resource.hourlyUsd(), Double::sum);
					}
				}
				return new Snapshot(byInstance);
			});
		}
		catch (SQLException ex) {
			throw failure("publish the heartbeat of instance '" + this.instanceName + "' to", ex);
		}
	}

	@Override
	public void leave() {
		try {
			JdbcTransaction.run(this.dataSource, false, (connection) -> {
				update(connection, "DELETE FROM " + this.resources + " WHERE instance_name = ?", this.instanceName);
				update(connection, "DELETE FROM " + this.instances + " WHERE instance_name = ?", this.instanceName);
				return null;
			});
		}
		catch (SQLException | RuntimeException ex) {
			logger.log(System.Logger.Level.WARNING, "Could not leave the cloud cost fleet; the others forget instance '"
					+ this.instanceName + "' after " + this.dropOutAfter + ": " + ex.getMessage());
		}
	}

	private void lock(Connection connection) throws SQLException {
		try (PreparedStatement select = connection
			.prepareStatement("SELECT name FROM " + this.lock + " WHERE name = ? FOR UPDATE")) {
			select.setString(1, LOCK_ROW);
			try (ResultSet row = select.executeQuery()) {
				if (row.next()) {
					return;
				}
			}
		}
		// The first heartbeat ever: the inserted row is this transaction's until it commits.
		update(connection, "INSERT INTO " + this.lock + " (name) VALUES (?)", LOCK_ROW);
	}

	/** Records this instance's heartbeat, and forgets the instances that stopped beating. */
	private void beat(Connection connection, Instant now) throws SQLException {
		OffsetDateTime at = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
		try (PreparedStatement update = connection
			.prepareStatement("UPDATE " + this.instances + " SET heartbeat_at = ? WHERE instance_name = ?")) {
			update.setObject(1, at);
			update.setString(2, this.instanceName);
			if (update.executeUpdate() == 0) {
				try (PreparedStatement insert = connection.prepareStatement(
						"INSERT INTO " + this.instances + " (instance_name, heartbeat_at) VALUES (?, ?)")) {
					insert.setString(1, this.instanceName);
					insert.setObject(2, at);
					insert.executeUpdate();
				}
			}
		}
		OffsetDateTime cutoff = at.minus(this.dropOutAfter);
		try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + this.resources
				+ " WHERE instance_name IN (SELECT instance_name FROM " + this.instances + " WHERE heartbeat_at < ?)")) {
			delete.setObject(1, cutoff);
			delete.executeUpdate();
		}
		try (PreparedStatement delete = connection
			.prepareStatement("DELETE FROM " + this.instances + " WHERE heartbeat_at < ?")) {
			delete.setObject(1, cutoff);
			int dropped = delete.executeUpdate();
			if (dropped > 0) {
				logger.log(System.Logger.Level.INFO, dropped + " instance(s) left the cloud cost fleet: no heartbeat for "
						+ this.dropOutAfter);
			}
		}
	}

	private void publish(Connection connection, Map<String, Double> running) throws SQLException {
		update(connection, "DELETE FROM " + this.resources + " WHERE instance_name = ?", this.instanceName);
		if (running.isEmpty()) {
			return;
		}
		try (PreparedStatement insert = connection.prepareStatement(
				"INSERT INTO " + this.resources + " (instance_name, unique_id, hourly_usd) VALUES (?, ?, ?)")) {
			for (Map.Entry<String, Double> resource : running.entrySet()) {
				insert.setString(1, this.instanceName);
				insert.setString(2, resource.getKey());
				insert.setDouble(3, resource.getValue());
				insert.addBatch();
			}
			insert.executeBatch();
		}
	}

	private void unpublish(Connection connection, Set<String> terminated) throws SQLException {
		for (String uniqueId : terminated) {
			update(connection, "DELETE FROM " + this.resources + " WHERE instance_name = ? AND unique_id = ?",
					this.instanceName, uniqueId);
		}
	}

	private List<Resource> readResources(Connection connection) throws SQLException {
		List<Resource> fleet = new ArrayList<>();
		try (PreparedStatement select = connection.prepareStatement(
				"SELECT instance_name, unique_id, hourly_usd FROM " + this.resources + " ORDER BY instance_name, unique_id");
				ResultSet rows = select.executeQuery()) {
			while (rows.next()) {
				fleet.add(new Resource(rows.getString(1), rows.getString(2), rows.getDouble(3)));
			}
		}
		return fleet;
	}

	private List<String> readInstances(Connection connection) throws SQLException {
		List<String> names = new ArrayList<>();
		try (PreparedStatement select = connection
			.prepareStatement("SELECT instance_name FROM " + this.instances + " ORDER BY instance_name");
				ResultSet rows = select.executeQuery()) {
			while (rows.next()) {
				names.add(rows.getString(1));
			}
		}
		return names;
	}

	private static void update(Connection connection, String sql, String... parameters) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(sql)) {
			for (int i = 0; i < parameters.length; i++) {
				statement.setString(i + 1, parameters[i]);
			}
			statement.executeUpdate();
		}
	}

	private UncheckedIOException failure(String operation, SQLException ex) {
		return JdbcPluginConfigStore.failure("Cannot " + operation + " the cloud cost fleet in table " + this.resources,
				ex);
	}

}
