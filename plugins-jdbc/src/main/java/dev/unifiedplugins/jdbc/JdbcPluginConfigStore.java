package dev.unifiedplugins.jdbc;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import javax.sql.DataSource;

import dev.unifiedplugins.concurrent.PeriodicTasks;
import dev.unifiedplugins.config.ConfigJson;
import dev.unifiedplugins.config.ConfigRevision;
import dev.unifiedplugins.config.ExpectedRevision;
import dev.unifiedplugins.config.FileSystemPluginConfigStore;
import dev.unifiedplugins.config.PluginConfigBusyException;
import dev.unifiedplugins.config.PluginConfigException;
import dev.unifiedplugins.config.PluginConfigStore;
import dev.unifiedplugins.config.PluginConfigWriteOutcomeUnknownException;
import dev.unifiedplugins.config.PluginIds;
import dev.unifiedplugins.config.StoredPluginConfig;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionOperations;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Keeps plugin configurations in a database table, one row per plugin, so that several
 * instances of a service share them. JDBC only: any {@link DataSource} whose table was
 * created by the script at {@link #SCHEMA_LOCATION} (PostgreSQL and H2 are provided; the
 * scripts create the default table name, {@value #DEFAULT_TABLE_NAME}).
 * <p>
 * <b>What a row holds.</b> {@code unique_id} (the key), {@code json} (the configuration as
 * text, exactly the bytes {@link FileSystemPluginConfigStore} writes to a file, so a row can
 * be exported to a file that the Python library reads), {@code revision}, and when and by
 * which instance it was last written ({@code updated_at}, the database's clock, and
 * {@code updated_by}, the {@linkplain #getInstanceName() instance name}). The store is
 * thread-safe and keeps no state of the table: each call reads or writes it.
 * <p>
 * <b>Revisions.</b> A configuration's revision is the decimal {@code revision} number. The
 * first save of an id stores 1, and every save or delete adds 1. Deleting keeps the row as
 * a tombstone ({@code json} null) so that its number keeps counting: a revision is never
 * used twice for an id, and a client that read revision 1 before a delete and a re-create
 * gets a conflict rather than overwriting the new configuration. Tombstones are neither
 * loaded nor listed. Rows must therefore not be deleted by hand; set {@code json} to null
 * and add 1 to {@code revision} instead, and add 1 to it when editing {@code json} by hand,
 * or other instances will not notice the edit.
 * <p>
 * <b>Transactions.</b> The store works on Spring's {@link JdbcOperations} (a
 * {@link JdbcTemplate} whose query timeout is the store's) and
 * {@link org.springframework.transaction.support.TransactionOperations} (a
 * {@link TransactionTemplate} with {@code PROPAGATION_REQUIRES_NEW} over a
 * {@link DataSourceTransactionManager}), as Spring Session JDBC does: each write is a
 * transaction of its own, whatever transaction the caller is in, and database errors go
 * through Spring's exception translation. On PostgreSQL a plain save is one message that
 * bounds its waits, writes, notifies and returns the revision; it runs outside any
 * transaction ({@code PROPAGATION_NOT_SUPPORTED}, the caller's suspended), where
 * PostgreSQL runs the message as a transaction of its own and commits it in the same round
 * trip (a pool that does not auto-commit gets the {@code REQUIRES_NEW} path instead). A
 * plain {@link #save(String, Map) save} is last-writer-wins; a {@link #save(String, Map, ExpectedRevision) revision-checked save}
 * writes only when the row still has the expected revision.
 * <p>
 * <b>Bounded waits.</b> A save or delete waits at most the {@linkplain #getLockTimeout()
 * lock timeout} for its row while another connection holds it (PostgreSQL's
 * {@code lock_timeout}, H2's lock timeout, set for the write's transaction only), then
 * fails with {@link PluginConfigBusyException} and writes nothing; writes of other
 * plugins are not delayed. Every other statement runs at most the
 * {@linkplain #getQueryTimeout() query timeout}, and a whole write at most both summed
 * (on PostgreSQL also enforced by the server, as {@code statement_timeout}): a write that
 * reports a failure was rolled back, and does not commit later. Behind HikariCP, a
 * connection also gets a network timeout of that sum plus the query timeout, which ends
 * the wait for a database that stops answering (the others ask it to cancel, in vain). A
 * write that loses its connection so, or to a broken one, may have been committing (the
 * server does not bound a commit): it throws
 * {@link dev.unifiedplugins.config.PluginConfigWriteOutcomeUnknownException}, and what is stored is either;
 * the store's watches then report a change at once, and report that write's notice should
 * it come, so that the registry finds what was stored once the database answers.
 * <p>
 * <b>Change notices.</b> On PostgreSQL each write also sends
 * {@code pg_notify('<table>_changed', '<unique id> <store token>')} (the table name in
 * lower case, a schema's dot as {@code _}; the token tells the store's own notices from
 * others'), delivered when it commits, and
 * {@link #watch(Runnable)} listens for them. Anyone may send such a notice after a hand
 * edit ({@code NOTIFY plugin_config_changed}).
 * <p>
 * <b>History.</b> The last {@linkplain #setHistorySize history size} revisions of each
 * plugin, deletions included, are kept in {@code <table>_history} (created by the same
 * scripts), each written in the transaction of its write, with {@code updated_at} and
 * {@code updated_by}; see {@link #history(String)}.
 * <p>
 * <b>Errors.</b> A database error is thrown as an {@link UncheckedIOException} naming the
 * operation, the table and the plugin, so that a registry treats a database that went away
 * like a failing disk: the write returns false and is logged, and what was stored is left
 * as it was (the transaction is rolled back). Configuration values are bound as statement
 * parameters, never written into SQL or messages. A row whose JSON is corrupt is a
 * {@link PluginConfigException} naming the row, and does not affect other plugins.
 */
public class JdbcPluginConfigStore implements PluginConfigStore {

	/** The table used when none is given, and the one the schema scripts create. */
	public static final String DEFAULT_TABLE_NAME = "plugin_config";

	/**
	 * Where the schema scripts are, with Spring Boot's {@code @@platform@@} placeholder for
	 * the database's platform name ({@code postgresql}, {@code h2}). The scripts may be run
	 * by several instances one after another or at once.
	 */
	public static final String SCHEMA_LOCATION = "classpath:dev/unifiedplugins/jdbc/schema-@@platform@@.sql";

	/** Most characters of an instance name: the size of the {@code updated_by} column. */
	public static final int MAX_INSTANCE_NAME_LENGTH = InstanceNames.MAX_LENGTH;

	/** The lock timeout of a store made without one: {@code plugins.lock-timeout}'s default. */
	public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(10);

	/** The query timeout of a store made without one: {@code plugins.jdbc.query-timeout}'s default. */
	public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(5);

	/**
	 * The most often an idle instance whose {@code LISTEN} works reads the table: the
	 * safety re-read that finds a change whose notice was lost (a hand edit without
	 * {@code NOTIFY}). A registry's watcher rescans at this period on a store that is
	 * {@linkplain #watch watched}.
	 */
	public static final Duration SAFETY_REREAD_INTERVAL = Duration.ofSeconds(30);

	/** Default of the number of revisions kept of each plugin: 20. */
	public static final int DEFAULT_HISTORY_SIZE = FileSystemPluginConfigStore.DEFAULT_HISTORY_SIZE;

	// A writer that loses a race to insert a new id runs its transaction again: the row exists then.
	private static final int WRITE_ATTEMPTS = 3;

	private final DataSource dataSource;

	private final JdbcTemplate jdbc;

	private final TransactionTemplate writes;

	/**
	 * A plain save on PostgreSQL: one message outside the caller's transaction, which
	 * PostgreSQL runs as a transaction of its own and commits in the same round trip. A
	 * transaction of Spring's would add a round trip for its COMMIT (a third of a save).
	 */
	private final TransactionTemplate outsideTransactions;

	private final Duration lockTimeout;

	private final Duration queryTimeout;

	/** Sent with each notice of this store's writes, so that its own watch ignores them. */
	private final String notifyToken = UUID.randomUUID().toString();

	private volatile @Nullable Duration pollInterval;

	private volatile @Nullable ListenConnectionSupplier listenConnectionSupplier;

	private final String tableName;

	private final long maxConfigSize;

	private final String instanceName;

	private final PluginConfigTable table;

	private final PluginConfigHistoryTable history;

	private final StoreFailures failures;

	private final StoreWatches watches;

	/**
	 * Creates a store on the table {@value #DEFAULT_TABLE_NAME}, with a maximum config size
	 * of {@value FileSystemPluginConfigStore#DEFAULT_MAX_CONFIG_SIZE} bytes and the
	 * {@linkplain #defaultInstanceName() default instance name}. Nothing is read until the
	 * store is used.
	 * @param dataSource where the table is
	 */
	public JdbcPluginConfigStore(DataSource dataSource) {
		this(dataSource, DEFAULT_TABLE_NAME);
	}

	/**
	 * Creates a store on a table, with the defaults of
	 * {@link #JdbcPluginConfigStore(DataSource)}.
	 * @param dataSource where the table is
	 * @param tableName the table: letters, digits and {@code _}, not starting with a digit,
	 * at most 63 characters, optionally qualified by a schema ({@code schema.table})
	 * @throws IllegalArgumentException when the table name is illegal
	 */
	public JdbcPluginConfigStore(DataSource dataSource, String tableName) {
		this(dataSource, tableName, FileSystemPluginConfigStore.DEFAULT_MAX_CONFIG_SIZE, defaultInstanceName());
	}

	/**
	 * Creates a store. Nothing is read until the store is used.
	 * @param dataSource where the table is
	 * @param tableName the table: letters, digits and {@code _}, not starting with a digit,
	 * at most 63 characters, optionally qualified by a schema ({@code schema.table})
	 * @param maxConfigSize the most bytes a configuration may take as JSON, written or read;
	 * at most {@value FileSystemPluginConfigStore#MAX_CONFIG_SIZE_LIMIT} (1 GiB)
	 * @param instanceName what {@code updated_by} records for this store's writes: 1 to
	 * {@value #MAX_INSTANCE_NAME_LENGTH} characters
	 * @throws IllegalArgumentException when the table name is illegal, the size is not
	 * positive or above the limit, or the instance name is blank or too long
	 */
	public JdbcPluginConfigStore(DataSource dataSource, String tableName, long maxConfigSize, String instanceName) {
		this(dataSource, tableName, maxConfigSize, instanceName, DEFAULT_LOCK_TIMEOUT, DEFAULT_QUERY_TIMEOUT);
	}

	/**
	 * Creates a store with bounded waits. Nothing is read until the store is used.
	 * @param dataSource where the table is
	 * @param tableName the table, as for {@link #JdbcPluginConfigStore(DataSource, String, long, String)}
	 * @param maxConfigSize the most bytes a configuration may take as JSON
	 * @param instanceName what {@code updated_by} records for this store's writes
	 * @param lockTimeout the longest a save or delete waits for the row of its plugin while
	 * another connection holds it; past it the call fails with
	 * {@link PluginConfigBusyException} and writes nothing ({@code plugins.lock-timeout})
	 * @param queryTimeout the longest any other statement runs ({@code plugins.jdbc.query-timeout});
	 * a whole write is bounded by both summed
	 * @throws IllegalArgumentException also when a timeout is not positive
	 */
	public JdbcPluginConfigStore(DataSource dataSource, String tableName, long maxConfigSize, String instanceName,
			Duration lockTimeout, Duration queryTimeout) {
		this.dataSource = Objects.requireNonNull(dataSource, "dataSource must not be null");
		this.tableName = PluginConfigTable.requireValidName(tableName);
		this.maxConfigSize = ConfigJson.requireValidMaxSize(maxConfigSize);
		this.instanceName = InstanceNames.requireValid(instanceName);
		this.lockTimeout = PeriodicTasks.requirePositive(lockTimeout, "lockTimeout");
		this.queryTimeout = PeriodicTasks.requirePositive(queryTimeout, "queryTimeout");
		this.failures = new StoreFailures(this.tableName, this.lockTimeout, this.queryTimeout);
		this.history = new PluginConfigHistoryTable(this.tableName, DEFAULT_HISTORY_SIZE);
		this.table = new PluginConfigTable(this.tableName, instanceName, this.notifyToken, this.history);
		this.watches = new StoreWatches(dataSource, this.tableName, this.table.channel, this.notifyToken, queryTimeout,
				lockTimeout.plus(queryTimeout));
		DataSource connections = new BoundedConnections(dataSource, queryTimeout, lockTimeout.plus(queryTimeout));
		this.jdbc = new JdbcTemplate(connections);
		this.jdbc.setQueryTimeout(seconds(queryTimeout));
		// Each write is a transaction of its own, whatever transaction the caller is in, as
		// Spring Session JDBC's JdbcIndexedSessionRepository does it.
		this.writes = new TransactionTemplate(new DataSourceTransactionManager(connections));
		this.writes.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		// Bounds every statement of a write (JdbcTemplate applies what is left of it), and
		// fails the commit itself once spent: a write told failed never commits later.
		this.writes.setTimeout(seconds(lockTimeout.plus(queryTimeout)));
		this.outsideTransactions = new TransactionTemplate(this.writes.getTransactionManager());
		this.outsideTransactions.setPropagationBehavior(TransactionDefinition.PROPAGATION_NOT_SUPPORTED);
	}

	/** JDBC's timeouts are whole seconds: rounded up, so a timeout is never shorter than asked. */
	static int seconds(Duration duration) {
		long millis = duration.toMillis();
		return (int) Math.min(Integer.MAX_VALUE, Math.max(1, (millis + 999) / 1000));
	}

	/**
	 * The instance name used when none is given: {@code <host name>:<process id>}, the host
	 * name from the {@code HOSTNAME} or {@code COMPUTERNAME} environment variable (set in
	 * containers and on Windows), else from the network configuration.
	 * @return the name, at most {@value #MAX_INSTANCE_NAME_LENGTH} characters
	 */
	public static String defaultInstanceName() {
		return InstanceNames.defaultName();
	}

	/** {@return the name of the table this store reads and writes, as given} */
	public String getTableName() {
		return this.tableName;
	}

	/** {@return the most bytes a configuration may take as JSON: a larger one is neither saved nor read} */
	public long getMaxConfigSize() {
		return this.maxConfigSize;
	}

	/** {@return the instance name that {@code updated_by} records for this store's writes} */
	public String getInstanceName() {
		return this.instanceName;
	}

	@Override
	public Duration getLockTimeout() {
		return this.lockTimeout;
	}

	/** {@return the longest any other statement runs} */
	public Duration getQueryTimeout() {
		return this.queryTimeout;
	}

	/**
	 * How often {@link #watch(Runnable) watch} reports a possible change where PostgreSQL's
	 * {@code LISTEN}/{@code NOTIFY} is not available: on other databases, without the
	 * PostgreSQL driver, and on PostgreSQL while the listening connection is down. Null
	 * (the default) polls nothing then: the registry's watcher rescans at its own period.
	 * @param pollInterval the period, or null
	 */
	public void setPollInterval(@Nullable Duration pollInterval) {
		this.pollInterval = (pollInterval != null) ? PeriodicTasks.requirePositive(pollInterval, "pollInterval") : null;
	}

	/**
	 * Sets how many revisions of each plugin's configuration are kept in
	 * {@code <table>_history}, deletions included; older ones are removed by the next write
	 * of that plugin. 0 keeps none: no history is written, read or removed.
	 * {@value #DEFAULT_HISTORY_SIZE} by default, 0 for a table whose name leaves no room
	 * for {@code <table>_history} within 63 characters.
	 * @param size the number of revisions, 0 or more
	 * @throws IllegalArgumentException when it is negative, or positive for such a table
	 */
	public void setHistorySize(int size) {
		this.history.setSize(size);
	}

	/** {@return how many revisions of each plugin's configuration are kept; 0 when none} */
	public int getHistorySize() {
		return this.history.size();
	}

	/** {@return how many plugins this store counts the writes of, towards their next removal of old revisions} */
	int historyCounts() {
		return this.history.counted();
	}

	/** {@return the polling period where notices are not available, null when none} */
	public @Nullable Duration getPollInterval() {
		return this.pollInterval;
	}

	/**
	 * Where the connection for {@code LISTEN} comes from, as Spring Integration's
	 * {@code PgConnectionSupplier}: a connection of its own, kept open while watching and
	 * closed when the watch stops. Null (the default):
	 * {@link ListenConnectionSupplier#of(DataSource, Duration)} with the query timeout.
	 * Whatever the supplier, every call the watch makes on its connection ends within the
	 * query timeout (its network timeout); how long connecting may wait is the supplier's.
	 * @param supplier the supplier, or null for the default
	 */
	public void setListenConnectionSupplier(@Nullable ListenConnectionSupplier supplier) {
		this.listenConnectionSupplier = supplier;
	}

	/** The PostgreSQL notification channel of this store's table. */
	String notificationChannel() {
		return this.table.channel;
	}

	/**
	 * {@inheritDoc}
	 * @throws PluginConfigException also when the row holds more than the maximum config size
	 */
	@Override
	public Optional<Map<String, Object>> load(String uniqueId) {
		return loadStored(uniqueId).map(StoredPluginConfig::config);
	}

	/**
	 * {@inheritDoc}
	 * @throws PluginConfigException also when the row holds more than the maximum config size
	 */
	@Override
	public Optional<StoredPluginConfig> loadStored(String uniqueId) {
		PluginIds.requireValid(uniqueId, "unique id");
		PluginConfigTable.Row row = query("read", uniqueId, (jdbc) -> this.table.row(jdbc, uniqueId));
		String json = (row != null) ? row.json() : null;
		return (json != null) ? Optional.of(stored("Plugin config row '" + uniqueId + "' of table " + this.tableName,
				json, row.revision())) : Optional.empty();
	}

	private StoredPluginConfig stored(String what, String json, long revision) {
		byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
		if (bytes.length > this.maxConfigSize) {
			throw ConfigJson.tooLarge(what, null, this.maxConfigSize);
		}
		return new StoredPluginConfig(ConfigJson.parse(what, null, bytes), Long.toString(revision));
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * {@code writtenAt} is the database's clock and {@code writtenBy} what the row's
	 * {@code updated_by} said, as each write copies the row. A row whose revision the history
	 * misses (a row edited by hand, see above, or older than the history) is the newest entry
	 * while it is stored; the schema scripts copy such rows into the history when they run
	 * (at each start with {@code plugins.jdbc.initialize-schema=always}), and a write that
	 * replaces one before that loses it. A deletion's revision is the number the tombstone
	 * got.
	 */
	@Override
	public List<ConfigRevision> history(String uniqueId) {
		PluginIds.requireValid(uniqueId, "unique id");
		return query("read the history of", uniqueId, (jdbc) -> this.history.entries(jdbc, uniqueId));
	}

	/**
	 * {@inheritDoc}
	 * @throws PluginConfigException also when the kept JSON holds more than the maximum
	 * config size
	 */
	@Override
	public Optional<StoredPluginConfig> loadRevision(String uniqueId, String revision) {
		PluginIds.requireValid(uniqueId, "unique id");
		long number = PluginConfigTable.parseRevision(Objects.requireNonNull(revision, "revision must not be null"));
		String json = (number > 0)
				? query("read the history of", uniqueId, (jdbc) -> this.history.json(jdbc, uniqueId, number)) : null;
		return (json != null) ? Optional.of(stored("Revision " + revision + " of plugin config row '" + uniqueId
				+ "' of table " + this.tableName, json, number)) : Optional.empty();
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * Numbers are written so that they load back as the same number, as
	 * {@link FileSystemPluginConfigStore#save(String, Map)} describes.
	 * @throws IllegalArgumentException also when the configuration takes more than the
	 * maximum config size as JSON
	 */
	@Override
	public void save(String uniqueId, Map<String, Object> config) {
		save(uniqueId, config, ExpectedRevision.any());
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * The check and the write are one statement in one transaction, so of several
	 * instances saving against the same revision at once exactly one succeeds.
	 * {@link ExpectedRevision#none()} is met by an id that was never saved or was deleted.
	 * @throws IllegalArgumentException also when the configuration takes more than the
	 * maximum config size as JSON
	 * @throws PluginConfigBusyException when another connection holds the plugin's row for
	 * longer than the lock timeout; nothing is written
	 */
	@Override
	public String save(String uniqueId, Map<String, Object> config, ExpectedRevision expected) {
		PluginIds.requireValid(uniqueId, "unique id");
		Objects.requireNonNull(expected, "expected must not be null");
		String json = new String(ConfigJson.write(uniqueId, config, this.maxConfigSize), StandardCharsets.UTF_8);
		if (expected.isAny()) {
			// Known once a connection told: the first save takes the path below, which asks inside its write.
			if (Boolean.TRUE.equals(this.table.knownPostgreSql())) {
				String revision = write("save", uniqueId, this.outsideTransactions, (jdbc) -> this.table
					.postgreSqlUpsert(jdbc, uniqueId, json, this.lockTimeout, this.lockTimeout.plus(this.queryTimeout), true));
				if (revision != null) {
					return revision;
				}
			}
			// The upsert bounds its waits itself: on PostgreSQL in the same round trip.
			return write("save", uniqueId, false, (jdbc) -> this.table.upsert(jdbc, uniqueId, json,
					this.lockTimeout, this.lockTimeout.plus(this.queryTimeout)));
		}
		if (expected.revision() == null) {
			// ExpectedRevision.none()
			return write("save", uniqueId, true, (jdbc) -> this.table.createIfAbsent(jdbc, uniqueId, json));
		}
		return write("save", uniqueId, true, (jdbc) -> this.table.replaceIfRevision(jdbc, uniqueId, json, expected));
	}

	/**
	 * {@inheritDoc}
	 * @throws PluginConfigBusyException when another connection holds the plugin's row for
	 * longer than the lock timeout; nothing is written
	 */
	@Override
	public boolean delete(String uniqueId) {
		PluginIds.requireValid(uniqueId, "unique id");
		return write("delete", uniqueId, true, (jdbc) -> this.table.markDeleted(jdbc, uniqueId));
	}

	@Override
	public boolean exists(String uniqueId) {
		PluginIds.requireValid(uniqueId, "unique id");
		return query("read", uniqueId, (jdbc) -> this.table.liveRevision(jdbc, uniqueId)) != null;
	}

	/** {@inheritDoc} Rows whose id is not a legal unique id, put there by hand, are left out. */
	@Override
	public Set<String> ids() {
		return revisions().keySet();
	}

	/** {@inheritDoc} One query; rows whose id is not a legal unique id are left out. */
	@Override
	public Map<String, String> revisions() {
		return Objects.requireNonNull(query("list", null, this.table::liveRevisions));
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * On PostgreSQL, with its JDBC driver ({@code org.postgresql:postgresql}) present, a
	 * daemon thread listens for the notices of this table's writes on a connection of its
	 * own, from the {@linkplain #setListenConnectionSupplier listen connection supplier}
	 * (by default opened outside the application's pool when the data source tells its
	 * URL, as HikariCP does). {@code onChange} is called for each batch of notices sent by
	 * anyone but this store object (its own writes are known to its registry), and after
	 * each (re)connection, as a notice sent while not listening is lost; the thread
	 * reconnects with a growing pause of at most 2 seconds. While listening and idle it
	 * sends the database nothing but one validity check of its connection per
	 * {@link #SAFETY_REREAD_INTERVAL}. Every call on that connection ends within the
	 * {@linkplain #getQueryTimeout() query timeout} (its network timeout), also on a
	 * database that stops answering. Closing stops the thread and closes its connection
	 * within about half a second, or within the query timeout while the database does not
	 * answer; it waits for that at most 2 seconds.
	 * <p>
	 * Where notices are not available (another database, no driver, or PostgreSQL while
	 * the listening connection is down), {@code onChange} is called every
	 * {@linkplain #setPollInterval poll interval}, when one is set; otherwise nothing is
	 * watched and a registry polls {@link #revisions()}.
	 */
	@Override
	public AutoCloseable watch(Runnable onChange) {
		Objects.requireNonNull(onChange, "onChange must not be null");
		Boolean known = this.table.knownPostgreSql();
		if (known == null) {
			try {
				known = this.table.isPostgreSql(this.jdbc);
			}
			catch (DataAccessException ex) {
				// The database may be down now: the watcher finds out when it connects.
				known = null;
			}
		}
		return this.watches.watch(onChange, known, this.pollInterval, this.listenConnectionSupplier);
	}

	@Override
	public String toString() {
		return "JdbcPluginConfigStore[" + this.tableName + "]";
	}

	/**
	 * Runs a write as a transaction of its own, its waits bounded; rolled back when it fails.
	 * @param boundWaits whether to bound the transaction's waits first; false for work that
	 * bounds them itself
	 */
	private <T> T write(String operation, String uniqueId, boolean boundWaits, Function<JdbcOperations, T> work) {
		return Objects.requireNonNull(write(operation, uniqueId, this.writes, (jdbc) -> {
			if (boundWaits) {
				this.table.boundWaits(jdbc, this.lockTimeout, this.lockTimeout.plus(this.queryTimeout));
			}
			return work.apply(jdbc);
		}));
	}

	/**
	 * Runs a write with {@code transactions}; null as {@code work} says. It runs again (up
	 * to {@value #WRITE_ATTEMPTS} times) after a {@link DuplicateKeyException}, which
	 * rolled it back: a write that inserts a new id fails so when another writer inserted it
	 * first; on the next attempt the row exists.
	 */
	private <T> @Nullable T write(String operation, String uniqueId, TransactionOperations transactions,
			Function<JdbcOperations, @Nullable T> work) {
		long started = System.nanoTime();
		for (int attempt = 1;; attempt++) {
			try {
				return transactions.execute((status) -> work.apply(this.jdbc));
			}
			catch (DuplicateKeyException ex) {
				if (attempt >= WRITE_ATTEMPTS) {
					throw this.failures.of(operation, uniqueId, ex, true);
				}
			}
			catch (DataAccessException | TransactionException ex) {
				RuntimeException failure = this.failures.ofWrite(operation, uniqueId, ex, started);
				if (failure instanceof PluginConfigWriteOutcomeUnknownException) {
					// It may commit later, with a notice the watches take for the registry's own write.
					this.watches.writeOutcomeUnknown(uniqueId);
				}
				throw failure;
			}
		}
	}

	/** A read, its database errors thrown as {@link StoreFailures failures}. */
	private <T> @Nullable T query(String operation, @Nullable String uniqueId,
			Function<JdbcOperations, @Nullable T> query) {
		try {
			return query.apply(this.jdbc);
		}
		catch (DataAccessException ex) {
			throw this.failures.of(operation, uniqueId, ex, false);
		}
	}

}
