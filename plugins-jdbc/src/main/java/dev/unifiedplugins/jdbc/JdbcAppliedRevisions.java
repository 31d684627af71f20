package dev.unifiedplugins.jdbc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import dev.unifiedplugins.applied.AppliedRevision;
import dev.unifiedplugins.applied.AppliedRevisions;
import dev.unifiedplugins.concurrent.PeriodicTasks;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The applied revisions of every instance sharing a {@link JdbcPluginConfigStore}'s
 * database, in the table {@code <table>_applied} (the provided schema scripts create
 * {@code plugin_config_applied}): one row per instance and plugin it has loaded, with the
 * revision it applied last or the error of its last failed load, and its heartbeat.
 * <p>
 * <b>Writes.</b> {@link #record} and {@link #forget} only note this instance's entry and
 * return: a thread of this object's writes it, in a short transaction of its own
 * ({@code REQUIRES_NEW}) bounded by the query timeout, so a load or reload never waits for
 * the database. Entries noted meanwhile are written together, the last of each plugin.
 * A write that fails is logged once (and again when writes work again) and retried at the
 * next note or heartbeat. The first write deletes what a previous run under the same
 * instance name left, and the rows of instances silent for the drop-out time.
 * <p>
 * <b>Liveness.</b> While this instance has an entry, it marks its rows alive every
 * heartbeat interval: one {@code UPDATE}; with none it sends nothing. An instance whose
 * rows were not marked for {@value #DROP_OUT_INTERVALS} heartbeat intervals (by the
 * database's clock) is left out of {@link #get}; {@link #close()} deletes this instance's
 * rows at once. A heartbeat that finds rows missing (deleted as silent while the database
 * was out of reach) writes them again.
 * <p>
 * <b>Reads.</b> {@link #get} is one indexed query, bounded by the query timeout.
 */
public class JdbcAppliedRevisions implements AppliedRevisions, AutoCloseable {

	/** How often an instance marks its rows alive unless told otherwise. */
	public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(30);

	/** How many heartbeat intervals without one leave an instance out. */
	public static final int DROP_OUT_INTERVALS = 3;

	/** Most characters of a recorded error: longer ones are cut. */
	static final int MAX_ERROR_LENGTH = 4000;

	private static final Duration POLL_INTERVAL = Duration.ofMillis(20);

	private static final System.Logger logger = System.getLogger(JdbcAppliedRevisions.class.getName());

	private final AppliedTable table;

	private final String instanceName;

	private final Duration heartbeatInterval;

	private final Duration queryTimeout;

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transactions;

	/** This instance's entries, as the rows should be. */
	private final Map<String, Entry> entries = new ConcurrentHashMap<>();

	/** The plugins whose row is not written as {@link #entries} says yet. */
	private final Set<String> unwritten = ConcurrentHashMap.newKeySet();

	/**
	 * The plugins whose row this instance wrote and has not deleted since, as its writes
	 * committed: how many rows a heartbeat should find. Only the writer thread uses it.
	 */
	private final Set<String> written = new HashSet<>();

	private final AtomicBoolean writeScheduled = new AtomicBoolean();

	private final ScheduledExecutorService writer;

	/** Whether the first write cleared what a previous run left: only the writer thread changes it. */
	private volatile boolean started;

	private volatile boolean closed;

	/** Why the last write failed, or null when it succeeded: only the writer thread changes it. */
	private @Nullable String failure;

	/**
	 * Creates the applied revisions of a store's table and starts its writer thread, which
	 * sends nothing until this instance records an entry.
	 * @param dataSource where the table is
	 * @param tableName the store's table: this one is {@code <tableName>_applied}
	 * @param instanceName this instance's name, unique among those sharing the database
	 * @param heartbeatInterval how often this instance marks its rows alive; one silent for
	 * {@value #DROP_OUT_INTERVALS} intervals is left out
	 * @param queryTimeout the bound on each statement and transaction
	 * ({@code plugins.jdbc.query-timeout})
	 * @throws IllegalArgumentException when the table name is illegal (or too long with
	 * {@code _applied}), the instance name blank or too long, or a duration not positive
	 */
	public JdbcAppliedRevisions(DataSource dataSource, String tableName, String instanceName,
			Duration heartbeatInterval, Duration queryTimeout) {
		Objects.requireNonNull(dataSource, "dataSource must not be null");
		PluginConfigTable.requireValidName(tableName);
		this.table = new AppliedTable(tableName + "_applied");
		this.instanceName = InstanceNames.requireValid(instanceName);
		this.heartbeatInterval = PeriodicTasks.requirePositive(heartbeatInterval, "heartbeatInterval");
		this.queryTimeout = PeriodicTasks.requirePositive(queryTimeout, "queryTimeout");
		int seconds = (int) Math.min(Integer.MAX_VALUE, Math.max(1, (queryTimeout.toMillis() + 999) / 1000));
		DataSource connections = new BoundedConnections(dataSource, queryTimeout, queryTimeout);
		this.jdbc = new JdbcTemplate(connections);
		this.jdbc.setQueryTimeout(seconds);
		this.transactions = new TransactionTemplate(new DataSourceTransactionManager(connections));
		this.transactions.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		this.transactions.setTimeout(seconds);
		this.writer = PeriodicTasks.start("plugins-applied-" + tableName, heartbeatInterval, heartbeatInterval,
				this::heartbeat);
	}

	@Override
	public String instanceName() {
		return this.instanceName;
	}

	/** {@return the name of the table of applied revisions} */
	public String getTableName() {
		return this.table.name;
	}

	/** {@return how often this instance marks its rows alive} */
	public Duration getHeartbeatInterval() {
		return this.heartbeatInterval;
	}

	/** {@return how long after its last heartbeat an instance is left out} */
	public Duration getDropOutAfter() {
		return this.heartbeatInterval.multipliedBy(DROP_OUT_INTERVALS);
	}

	@Override
	public void record(String uniqueId, @Nullable String revision, @Nullable String error) {
		Objects.requireNonNull(uniqueId, "uniqueId must not be null");
		String cut = (error != null && error.length() > MAX_ERROR_LENGTH) ? error.substring(0, MAX_ERROR_LENGTH) : error;
		this.entries.put(uniqueId, new Entry(revision, cut));
		changed(uniqueId);
	}

	@Override
	public void forget(String uniqueId) {
		this.entries.remove(Objects.requireNonNull(uniqueId, "uniqueId must not be null"));
		changed(uniqueId);
	}

	@Override
	public boolean hasOwnEntry(String uniqueId) {
		return this.entries.containsKey(Objects.requireNonNull(uniqueId, "uniqueId must not be null"));
	}

	/**
	 * {@inheritDoc}
	 * @throws java.io.UncheckedIOException naming the plugin and the table when the
	 * database cannot be read
	 */
	@Override
	public Map<String, AppliedRevision> get(String uniqueId) {
		Objects.requireNonNull(uniqueId, "uniqueId must not be null");
		List<AppliedTable.Row> rows;
		try {
			rows = this.table.rows(this.jdbc, uniqueId);
		}
		catch (DataAccessException ex) {
			throw JdbcErrors.failure(
					"Cannot read the applied revisions of plugin '" + uniqueId + "' in table " + this.table.name, ex);
		}
		Map<String, AppliedRevision> live = new TreeMap<>();
		Duration dropOutAfter = getDropOutAfter();
		for (AppliedTable.Row row : rows) {
			if (!row.heartbeatAt().isBefore(row.now().minus(dropOutAfter))) {
				live.put(row.instance(), new AppliedRevision(row.revision(), row.appliedAt(), row.error()));
			}
		}
		return Collections.unmodifiableMap(live);
	}

	/** {@inheritDoc} One indexed query per 20 ms, while a save awaits. */
	@Override
	public Duration pollInterval() {
		return POLL_INTERVAL;
	}

	/**
	 * Stops the writer thread and deletes this instance's rows, so that the others leave it
	 * out at once; when that fails (logged), they do once it has been silent for the
	 * drop-out time. Bounded by about twice the query timeout.
	 */
	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.writer.shutdownNow();
		try {
			this.writer.awaitTermination(this.queryTimeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		if (!this.started && this.entries.isEmpty()) {
			return;
		}
		try {
			this.transactions.executeWithoutResult((status) -> this.table.deleteInstance(this.jdbc, this.instanceName));
		}
		catch (DataAccessException | TransactionException ex) {
			logger.log(System.Logger.Level.WARNING, "Could not delete the applied revisions of instance '"
					+ this.instanceName + "' from table " + this.table.name + "; the others leave it out after "
					+ getDropOutAfter() + ": " + JdbcErrors.causeMessage(ex));
		}
	}

	@Override
	public String toString() {
		return "JdbcAppliedRevisions[" + this.table.name + ", " + this.instanceName + "]";
	}

	private void changed(String uniqueId) {
		if (this.closed) {
			return;
		}
		this.unwritten.add(uniqueId);
		if (this.writeScheduled.compareAndSet(false, true)) {
			try {
				this.writer.execute(this::write);
			}
			catch (RejectedExecutionException ex) {
				// Closed meanwhile.
				this.writeScheduled.set(false);
			}
		}
	}

	/** Writes the unwritten entries in one transaction, on the writer thread. */
	private void write() {
		this.writeScheduled.set(false);
		List<String> ids = new ArrayList<>(this.unwritten);
		if (ids.isEmpty() || this.closed) {
			return;
		}
		// Removed before reading the entries: a note made meanwhile is written by the next run.
		this.unwritten.removeAll(ids);
		Set<String> rows = new HashSet<>();
		try {
			this.transactions.executeWithoutResult((status) -> {
				if (!this.started) {
					this.table.startAfresh(this.jdbc, this.instanceName, getDropOutAfter());
				}
				for (String uniqueId : ids) {
					Entry entry = this.entries.get(uniqueId);
					if (entry != null) {
						this.table.write(this.jdbc, this.instanceName, uniqueId, entry.revision(), entry.error());
						rows.add(uniqueId);
					}
					else {
						this.table.delete(this.jdbc, this.instanceName, uniqueId);
					}
				}
			});
			this.written.removeAll(ids);
			this.written.addAll(rows);
			this.started = true;
			succeeded();
		}
		catch (DataAccessException | TransactionException ex) {
			this.unwritten.addAll(ids);
			failed(ex);
		}
	}

	/** Marks this instance's rows alive, on the writer thread; writes them again if some are missing. */
	private void heartbeat() {
		try {
			if (this.closed || (this.entries.isEmpty() && this.unwritten.isEmpty())) {
				// Nothing of this instance's is alive: nothing to send.
				return;
			}
			if (!this.unwritten.isEmpty() || !this.started) {
				write();
				return;
			}
			Integer marked = this.transactions.execute((status) -> this.table.heartbeat(this.jdbc, this.instanceName));
			// Compared with the rows written, not with the entries: one noted meanwhile is not written yet.
			if (marked != null && marked < this.written.size()) {
				logger.log(System.Logger.Level.INFO, "Rows of instance '" + this.instanceName + "' in table "
						+ this.table.name + " were missing (deleted as silent?); writing them again");
				this.unwritten.addAll(this.entries.keySet());
				write();
			}
			else {
				succeeded();
			}
		}
		catch (DataAccessException | TransactionException ex) {
			failed(ex);
		}
		catch (RuntimeException ex) {
			// A run that throws would end the schedule.
			logger.log(System.Logger.Level.WARNING, "The heartbeat of table " + this.table.name + " failed", ex);
		}
	}

	private void succeeded() {
		if (this.failure != null) {
			logger.log(System.Logger.Level.INFO, "Applied revisions are written to table " + this.table.name + " again");
			this.failure = null;
		}
	}

	private void failed(Exception ex) {
		String why = JdbcErrors.causeMessage(ex);
		if (this.failure == null) {
			logger.log(System.Logger.Level.WARNING, "Could not write the applied revisions of instance '"
					+ this.instanceName + "' to table " + this.table.name + "; retrying at the next change or heartbeat"
					+ " (every " + this.heartbeatInterval + "): " + why);
		}
		this.failure = why;
	}

	/** This instance's entry of a plugin. */
	private record Entry(@Nullable String revision, @Nullable String error) {
	}

}
