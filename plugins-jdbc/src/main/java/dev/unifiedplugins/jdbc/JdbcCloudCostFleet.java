package dev.unifiedplugins.jdbc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

import javax.sql.DataSource;

import dev.unifiedplugins.concurrent.PeriodicTasks;
import dev.unifiedplugins.cost.CloudCostFleet;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionOperations;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The cloud cost fleet of the instances that share a {@link JdbcPluginConfigStore}: three
 * tables next to the store's, named after it. The provided schema scripts create them for
 * the default table ({@code plugin_config_cloud_instances},
 * {@code plugin_config_cloud_resources} and {@code plugin_config_cloud_lock}); a script
 * for another table name must create its own.
 * <ul>
 * <li>{@code <table>_cloud_instances}: one row per live instance: its name, the time of its
 * last heartbeat (the database's clock), the process that uses the name
 * ({@code process}), and the last other live process that tried to use it too
 * ({@code contender}, {@code contended_at});</li>
 * <li>{@code <table>_cloud_resources}: one row per cloud resource, the instance that owns
 * it, its plugin's unique id and category ({@code category}, which the category budgets
 * sum by), its hourly price, and whether its owner is terminating it
 * ({@code terminating});</li>
 * <li>{@code <table>_cloud_lock}: the one row {@code fleet} that each write of the fleet
 * locks ({@code SELECT ... FOR UPDATE}, on PostgreSQL and H2 alike), inserted by the first
 * one.</li>
 * </ul>
 * A heartbeat is one short transaction ({@code REQUIRES_NEW}) holding that lock for its
 * reads and writes only: it records this instance's heartbeat at the database's
 * {@code CURRENT_TIMESTAMP}, deletes the instances (and their resources) not heard from for
 * the drop-out time, replaces this instance's resources, reads the fleet's, lets the guard
 * plan, marks the resources it plans to terminate as terminating, and commits. The guard
 * terminates them after that, and {@link #terminated(Set, Set)} deletes those that ended
 * (in another short transaction under the lock). The heartbeats of the fleet thus decide one
 * after another, each seeing what the previous ones planned; no plugin call and no listener
 * runs while the lock is held. Every statement is bounded by the query timeout, and so is
 * the wait for the lock ({@code SET LOCAL lock_timeout} on PostgreSQL): a heartbeat that
 * cannot have it in time fails as when the database cannot be reached.
 * <p>
 * An instance name is used by one process at a time: a heartbeat that finds the name held
 * by another live process (host, PID, start time) publishes nothing, records itself as the
 * name's contender and fails; the holder's heartbeats report the contender until it has
 * been silent for the drop-out time. Nothing of a configuration is written here.
 */
public class JdbcCloudCostFleet implements CloudCostFleet {

	private static final System.Logger logger = System.getLogger(JdbcCloudCostFleet.class.getName());

	/** The bound on each statement, and on the wait for the fleet's lock, by default. */
	public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(5);

	private static final String LOCK_ROW = "fleet";

	// Two first writes may insert the lock row at once: the loser runs again and waits.
	private static final int LOCK_ROW_ATTEMPTS = 3;

	private final JdbcOperations jdbc;

	private final TransactionOperations transactions;

	private final String instanceName;

	private final String process;

	private final Duration dropOutAfter;

	private final Duration queryTimeout;

	private final String instances;

	private final FleetResourcesTable resources;

	private final String lock;

	private volatile @Nullable Boolean postgres;

	/** The duplicate use of the instance name last logged, or null. */
	private volatile @Nullable String reportedDuplicate;

	/**
	 * Creates the fleet of a store's table, with the default query timeout of
	 * {@link #DEFAULT_QUERY_TIMEOUT}. Nothing is read until the first heartbeat.
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
		this(dataSource, tableName, instanceName, dropOutAfter, DEFAULT_QUERY_TIMEOUT);
	}

	/**
	 * Creates the fleet of a store's table. Nothing is read until the first heartbeat.
	 * @param dataSource where the tables are
	 * @param tableName the store's table: the fleet's tables are named after it
	 * @param instanceName this instance's name, unique in the fleet
	 * @param dropOutAfter how long after its last heartbeat an instance is forgotten
	 * @param queryTimeout the bound on each statement and on the wait for the fleet's lock
	 * ({@code plugins.jdbc.query-timeout})
	 * @throws IllegalArgumentException when a table name is illegal, the instance name blank
	 * or too long, or a duration not positive
	 */
	public JdbcCloudCostFleet(DataSource dataSource, String tableName, String instanceName, Duration dropOutAfter,
			Duration queryTimeout) {
		this(dataSource, tableName, instanceName, dropOutAfter, queryTimeout, InstanceNames.currentProcess());
	}

	/**
	 * Creates the fleet of a store's table, for a process named explicitly: two fleets
	 * with the same instance name and different processes are two instances, of which one
	 * only may use the name at a time. The other constructors name the current process by
	 * its host, PID and start time (and, for the second fleet made in one JVM on, its
	 * number).
	 * @param dataSource where the tables are
	 * @param tableName the store's table: the fleet's tables are named after it
	 * @param instanceName this instance's name, unique in the fleet
	 * @param dropOutAfter how long after its last heartbeat an instance is forgotten
	 * @param queryTimeout the bound on each statement and on the wait for the fleet's lock
	 * @param process what tells this process from any other that uses the same name, 1 to
	 * 255 characters
	 * @throws IllegalArgumentException when a table name is illegal, a name blank or too
	 * long, or a duration not positive
	 */
	public JdbcCloudCostFleet(DataSource dataSource, String tableName, String instanceName, Duration dropOutAfter,
			Duration queryTimeout, String process) {
		Objects.requireNonNull(dataSource, "dataSource must not be null");
		PluginConfigTable.requireValidName(tableName);
		this.instances = PluginConfigTable.requireValidName(tableName + "_cloud_instances");
		this.resources = new FleetResourcesTable(tableName + "_cloud_resources");
		this.lock = PluginConfigTable.requireValidName(tableName + "_cloud_lock");
		this.instanceName = InstanceNames.requireValid(instanceName);
		this.dropOutAfter = PeriodicTasks.requirePositive(dropOutAfter, "dropOutAfter");
		this.queryTimeout = PeriodicTasks.requirePositive(queryTimeout, "queryTimeout");
		Objects.requireNonNull(process, "process must not be null");
		if (process.isBlank() || process.length() > InstanceNames.MAX_LENGTH) {
			throw new IllegalArgumentException(
					"The process must have 1 to " + InstanceNames.MAX_LENGTH + " characters and not be blank");
		}
		this.process = process;
		int seconds = (int) Math.min(Integer.MAX_VALUE, (queryTimeout.toMillis() + 999) / 1000);
		DataSource connections = new BoundedConnections(dataSource, queryTimeout, queryTimeout);
		JdbcTemplate template = new JdbcTemplate(connections);
		template.setQueryTimeout(seconds);
		this.jdbc = template;
		TransactionTemplate transaction = new TransactionTemplate(new DataSourceTransactionManager(connections));
		transaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		this.transactions = transaction;
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

	/** {@return the bound on each statement and on the wait for the fleet's lock} */
	public Duration getQueryTimeout() {
		return this.queryTimeout;
	}

	/** {@return what tells this process from another that uses the same instance name} */
	public String getProcess() {
		return this.process;
	}

	/**
	 * {@inheritDoc}
	 * @throws UncheckedIOException when the database cannot be reached, the tables are
	 * missing, or the lock is not had within the query timeout; the transaction is rolled
	 * back
	 * @throws IllegalStateException when another live process uses this instance's name
	 */
	@Override
	public Snapshot heartbeat(Map<String, Running> running, Decision decision) {
		Objects.requireNonNull(running, "running must not be null");
		Objects.requireNonNull(decision, "decision must not be null");
		Beat beat = inTransaction("publish the heartbeat of instance '" + this.instanceName + "' to",
				() -> beat(running, decision));
		if (beat.holder() != null) {
			// Logged by the guard, as every failed heartbeat is.
			this.reportedDuplicate = null;
			throw new IllegalStateException("Instance name '" + this.instanceName
					+ "' is already used by another live process (" + beat.holder() + "); this process ("
					+ this.process + ") keeps out of the cloud cost fleet, and applies the budget to its own "
					+ "resources, until the name is free: give each instance its own name (plugins.jdbc.instance-name)");
		}
		Snapshot snapshot = beat.snapshot();
		String duplicate = snapshot.error();
		if (duplicate != null && !duplicate.equals(this.reportedDuplicate)) {
			logger.log(System.Logger.Level.WARNING, duplicate);
		}
		else if (duplicate == null && this.reportedDuplicate != null) {
			logger.log(System.Logger.Level.INFO,
					"Instance name '" + this.instanceName + "' is no longer used by another process");
		}
		this.reportedDuplicate = duplicate;
		return snapshot;
	}

	@Override
	public void terminated(Set<String> succeeded, Set<String> failed) {
		Objects.requireNonNull(succeeded, "succeeded must not be null");
		Objects.requireNonNull(failed, "failed must not be null");
		if (succeeded.isEmpty() && failed.isEmpty()) {
			return;
		}
		try {
			inTransaction("record the terminations of instance '" + this.instanceName + "' in", () -> {
				lock();
				if (holdsName()) {
					this.resources.delete(this.jdbc, this.instanceName, succeeded);
					this.resources.setTerminating(this.jdbc, this.instanceName, failed, false);
				}
				return null;
			});
		}
		catch (RuntimeException ex) {
			logger.log(System.Logger.Level.WARNING, "Could not record the terminations of instance '" + this.instanceName
					+ "' in the cloud cost fleet; its next heartbeat does: " + ex.getMessage());
		}
	}

	@Override
	public void leave() {
		try {
			inTransaction("leave", () -> {
				lock();
				if (holdsName()) {
					this.resources.deleteInstance(this.jdbc, this.instanceName);
					this.jdbc.update("DELETE FROM " + this.instances + " WHERE instance_name = ?", this.instanceName);
				}
				else {
					// A contender that stops: the holder stops reporting it at its next heartbeat.
					this.jdbc.update("UPDATE " + this.instances
							+ " SET contender = NULL, contended_at = NULL WHERE instance_name = ? AND contender = ?",
							this.instanceName, this.process);
				}
				return null;
			});
		}
		catch (RuntimeException ex) {
			logger.log(System.Logger.Level.WARNING, "Could not leave the cloud cost fleet; the others forget instance '"
					+ this.instanceName + "' after " + this.dropOutAfter + ": " + ex.getMessage());
		}
	}

	/** The heartbeat's statements, under the lock. */
	private Beat beat(Map<String, Running> running, Decision decision) {
		lock();
		OffsetDateTime now = databaseNow();
		OffsetDateTime cutoff = now.minus(this.dropOutAfter);
		dropSilentInstances(cutoff);
		List<InstanceRow> own = this.jdbc.query(
				"SELECT process, heartbeat_at, contender, contended_at FROM " + this.instances + " WHERE instance_name = ?",
				(rows, i) -> new InstanceRow(rows.getString(1), rows.getObject(2, OffsetDateTime.class),
						rows.getString(3), rows.getObject(4, OffsetDateTime.class)),
				this.instanceName);
		InstanceRow row = own.isEmpty() ? null : own.get(0);
		if (row != null && row.process() != null && !row.process().equals(this.process)) {
			// Live (the silent ones are gone): the name is the other's; say so, change nothing else.
			this.jdbc.update("UPDATE " + this.instances + " SET contender = ?, contended_at = ? WHERE instance_name = ?",
					this.process, now, this.instanceName);
			return new Beat(new Snapshot(Map.of()), row.process());
		}
		if (row != null) {
			this.jdbc.update("UPDATE " + this.instances + " SET heartbeat_at = ?, process = ? WHERE instance_name = ?", now,
					this.process, this.instanceName);
		}
		else {
			this.jdbc.update("INSERT INTO " + this.instances + " (instance_name, heartbeat_at, process) VALUES (?, ?, ?)",
					this.instanceName, now, this.process);
		}
		String duplicate = null;
		if (row != null && row.contender() != null && !row.contender().equals(this.process)
				&& row.contendedAt() != null && !row.contendedAt().isBefore(cutoff)) {
			duplicate = "Instance name '" + this.instanceName + "' is also used by another live process ("
					+ row.contender() + "), which keeps out of the cloud cost fleet: its resources are not in the "
					+ "fleet's bill. Give each instance its own name (plugins.jdbc.instance-name)";
		}
		this.resources.publish(this.jdbc, this.instanceName, running);
		List<Resource> fleet = this.resources.read(this.jdbc);
		Set<String> planned = new LinkedHashSet<>();
		for (String uniqueId : decision.toTerminate(List.copyOf(fleet))) {
			if (running.containsKey(uniqueId)) {
				planned.add(uniqueId);
			}
		}
		this.resources.setTerminating(this.jdbc, this.instanceName, planned, true);
		List<String> live = this.jdbc.queryForList("SELECT instance_name FROM " + this.instances, String.class);
		return new Beat(new Snapshot(FleetResourcesTable.byInstance(live, fleet), duplicate), null);
	}

	/** Forgets the instances that stopped beating, and their resources. */
	private void dropSilentInstances(OffsetDateTime cutoff) {
		this.resources.deleteSilent(this.jdbc, this.instances, cutoff);
		int dropped = this.jdbc.update("DELETE FROM " + this.instances + " WHERE heartbeat_at < ?", cutoff);
		if (dropped > 0) {
			logger.log(System.Logger.Level.INFO,
					dropped + " instance(s) left the cloud cost fleet: no heartbeat for " + this.dropOutAfter);
		}
	}

	/** Whether this process holds the instance name (or nobody says which process does). */
	private boolean holdsName() {
		List<String> holders = this.jdbc.query("SELECT process FROM " + this.instances + " WHERE instance_name = ?",
				(rows, i) -> rows.getString(1), this.instanceName);
		return holders.isEmpty() || holders.get(0) == null || holders.get(0).equals(this.process);
	}

	/**
	 * Takes the fleet's lock for the rest of the transaction, waiting at most the query
	 * timeout for it.
	 */
	private void lock() {
		if (isPostgres()) {
			// Not a parameter: SET takes none. A number of milliseconds, so nothing to quote.
			this.jdbc.execute("SET LOCAL lock_timeout = '" + this.queryTimeout.toMillis() + "ms'");
		}
		List<String> row = this.jdbc.queryForList("SELECT name FROM " + this.lock + " WHERE name = ? FOR UPDATE",
				String.class, LOCK_ROW);
		if (row.isEmpty()) {
			// The first write ever: the inserted row is this transaction's until it commits.
			this.jdbc.update("INSERT INTO " + this.lock + " (name) VALUES (?)", LOCK_ROW);
		}
	}

	/** The database's clock: heartbeats are compared by it, not by the hosts' own. */
	private OffsetDateTime databaseNow() {
		OffsetDateTime now = this.jdbc.queryForObject("SELECT CURRENT_TIMESTAMP",
				(rows, i) -> rows.getObject(1, OffsetDateTime.class));
		return Objects.requireNonNull(now, "CURRENT_TIMESTAMP");
	}

	private boolean isPostgres() {
		Boolean known = this.postgres;
		if (known == null) {
			known = Boolean.TRUE.equals(this.jdbc.execute((ConnectionCallback<Boolean>) (connection) -> connection
				.getMetaData()
				.getDatabaseProductName()
				.toLowerCase(Locale.ROOT)
				.contains("postgres")));
			this.postgres = known;
		}
		return known;
	}

	/** Runs statements in a transaction of their own, translating what fails. */
	private <T> T inTransaction(String operation, Supplier<T> work) {
		for (int attempt = 1;; attempt++) {
			try {
				return this.transactions.execute((status) -> work.get());
			}
			catch (DuplicateKeyException ex) {
				if (attempt >= LOCK_ROW_ATTEMPTS) {
					throw failure(operation, ex);
				}
			}
			catch (DataAccessException | TransactionException ex) {
				throw failure(operation, ex);
			}
		}
	}

	private UncheckedIOException failure(String operation, RuntimeException ex) {
		String why = (ex instanceof PessimisticLockingFailureException || ex instanceof QueryTimeoutException
				|| JdbcErrors.timedOut(ex))
				? "the fleet's lock or the database did not answer within the query timeout of " + this.queryTimeout
						+ " (" + JdbcErrors.causeMessage(ex) + ")"
				: JdbcErrors.causeMessage(ex);
		String message = "Cannot " + operation + " the cloud cost fleet in table " + this.resources.name + ": " + why;
		return new UncheckedIOException(message, new IOException(message, ex));
	}

	/** The row of an instance name. */
	private record InstanceRow(@Nullable String process, @Nullable OffsetDateTime heartbeatAt,
			@Nullable String contender, @Nullable OffsetDateTime contendedAt) {
	}

	/**
	 * What a heartbeat found.
	 *
	 * @param snapshot the fleet after it
	 * @param holder the other live process that holds the instance name, or null when this
	 * one does
	 */
	private record Beat(Snapshot snapshot, @Nullable String holder) {
	}

}
