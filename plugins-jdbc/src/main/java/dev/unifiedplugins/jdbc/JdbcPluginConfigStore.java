package dev.unifiedplugins.jdbc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import javax.sql.DataSource;

import dev.unifiedplugins.config.PluginIds;
import org.jspecify.annotations.Nullable;
import dev.unifiedplugins.config.ConfigJson;
import dev.unifiedplugins.config.PluginConfigStore;
import dev.unifiedplugins.config.ExpectedRevision;
import dev.unifiedplugins.config.StoredPluginConfig;
import dev.unifiedplugins.config.FileSystemPluginConfigStore;

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
 * <b>Transactions.</b> Each call takes a connection from the data source and closes it
 * before returning. Each write is one transaction, committed or rolled back, after which
 * the connection's auto-commit setting is restored. A plain {@link #save(String, Map) save}
 * is last-writer-wins; a {@link #save(String, Map, ExpectedRevision) revision-checked
 * save} writes only when the row still has the expected revision.
 * <p>
 * <b>Change notices.</b> On PostgreSQL each write also sends
 * {@code pg_notify('<table>_changed', '<unique id>')} (the table name in lower case, a
 * schema's dot as {@code _}), delivered when it commits, and
 * {@link #watch(Runnable)} listens for them. Anyone may send such a notice after a hand
 * edit ({@code NOTIFY plugin_config_changed}).
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

	private static final AutoCloseable NOT_WATCHING = () -> {
	};

	private static final System.Logger logger = System.getLogger(JdbcPluginConfigStore.class.getName());

	private final DataSource dataSource;

	private final String tableName;

	private final long maxConfigSize;

	private final String instanceName;

	private final PluginConfigTable table;

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
		this.dataSource = Objects.requireNonNull(dataSource, "dataSource must not be null");
		this.tableName = PluginConfigTable.requireValidName(tableName);
		this.maxConfigSize = ConfigJson.requireValidMaxSize(maxConfigSize);
		this.instanceName = InstanceNames.requireValid(instanceName);
		this.table = new PluginConfigTable(this.tableName, instanceName);
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
		PluginConfigTable.Row row;
		try (Connection connection = this.dataSource.getConnection()) {
			row = this.table.row(connection, uniqueId);
		}
		catch (SQLException ex) {
			throw failure("read", uniqueId, ex);
		}
		String json = (row != null) ? row.json() : null;
		if (json == null) {
			return Optional.empty();
		}
		String what = "Plugin config row '" + uniqueId + "' of table " + this.tableName;
		byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
		if (bytes.length > this.maxConfigSize) {
			throw ConfigJson.tooLarge(what, null, this.maxConfigSize);
		}
		return Optional.of(new StoredPluginConfig(ConfigJson.parse(what, null, bytes), Long.toString(row.revision())));
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
	 */
	@Override
	public String save(String uniqueId, Map<String, Object> config, ExpectedRevision expected) {
		PluginIds.requireValid(uniqueId, "unique id");
		Objects.requireNonNull(expected, "expected must not be null");
		String json = new String(ConfigJson.write(uniqueId, config, this.maxConfigSize), StandardCharsets.UTF_8);
		if (expected.isAny()) {
			return inTransaction("save", uniqueId, true, (connection) -> this.table.upsert(connection, uniqueId, json));
		}
		if (expected.revision() == null) {
			// ExpectedRevision.none()
			return inTransaction("save", uniqueId, true, (connection) -> this.table.createIfAbsent(connection, uniqueId, json));
		}
		return inTransaction("save", uniqueId, false,
				(connection) -> this.table.replaceIfRevision(connection, uniqueId, json, expected));
	}

	@Override
	public boolean delete(String uniqueId) {
		PluginIds.requireValid(uniqueId, "unique id");
		return inTransaction("delete", uniqueId, false, (connection) -> this.table.markDeleted(connection, uniqueId));
	}

	@Override
	public boolean exists(String uniqueId) {
		PluginIds.requireValid(uniqueId, "unique id");
		try (Connection connection = this.dataSource.getConnection()) {
			return this.table.liveRevision(connection, uniqueId) != null;
		}
		catch (SQLException ex) {
			throw failure("read", uniqueId, ex);
		}
	}

	/** {@inheritDoc} Rows whose id is not a legal unique id, put there by hand, are left out. */
	@Override
	public Set<String> ids() {
		return revisions().keySet();
	}

	/** {@inheritDoc} One query; rows whose id is not a legal unique id are left out. */
	@Override
	public Map<String, String> revisions() {
		try (Connection connection = this.dataSource.getConnection()) {
			return this.table.liveRevisions(connection);
		}
		catch (SQLException ex) {
			throw failure("list", null, ex);
		}
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * On PostgreSQL, with its JDBC driver ({@code org.postgresql:postgresql}) present, a
	 * daemon thread listens for the notices of this table's writes on a connection of its
	 * own, taken from the data source for as long as it watches (from a pool, that is one
	 * connection fewer for the application). {@code onChange} is called for each batch of
	 * notices, and also after each (re)connection, as a notice sent while not listening is
	 * lost; the thread reconnects with a growing pause of at most 2 seconds, and checks its
	 * connection every few seconds, as one may die silently. Closing stops the thread and
	 * closes its connection within about half a second. A thread that cannot reach the
	 * database at first keeps trying, and ends if it turns out not to be PostgreSQL.
	 * <p>
	 * On other databases, or without the driver, nothing is watched: a registry polls
	 * {@link #revisions()}.
	 */
	@Override
	public AutoCloseable watch(Runnable onChange) {
		Objects.requireNonNull(onChange, "onChange must not be null");
		Boolean known = this.table.knownPostgreSql();
		if (known == null) {
			try (Connection connection = this.dataSource.getConnection()) {
				known = this.table.isPostgreSql(connection);
			}
			catch (SQLException ex) {
				// The database may be down now: the watcher finds out when it connects.
				known = null;
			}
		}
		if (Boolean.FALSE.equals(known)) {
			return NOT_WATCHING;
		}
		if (!isPostgreSqlDriverPresent()) {
			if (Boolean.TRUE.equals(known)) {
				logger.log(System.Logger.Level.INFO, "Changes to table " + this.tableName + " are found by polling:"
						+ " LISTEN/NOTIFY needs the PostgreSQL JDBC driver (org.postgresql:postgresql)");
			}
			return NOT_WATCHING;
		}
		return PostgresChangeWatcher.start(this.dataSource, this.tableName, this.table.channel, onChange);
	}

	@Override
	public String toString() {
		return "JdbcPluginConfigStore[" + this.tableName + "]";
	}

	// PostgresChangeWatcher uses pgjdbc's types, so it is only loaded when they are present.
	private static boolean isPostgreSqlDriverPresent() {
		try {
			Class.forName("org.postgresql.PGConnection", false, JdbcPluginConfigStore.class.getClassLoader());
			return true;
		}
		catch (ClassNotFoundException | LinkageError ex) {
			return false;
		}
	}

	private <T> T inTransaction(String operation, String uniqueId, boolean retryIntegrityViolations,
			JdbcTransaction.Work<T> work) {
		try {
			return JdbcTransaction.run(this.dataSource, retryIntegrityViolations, work);
		}
		catch (SQLException ex) {
			throw failure(operation, uniqueId, ex);
		}
	}

	private UncheckedIOException failure(String operation, @Nullable String uniqueId, SQLException ex) {
		return failure("Cannot " + operation + " "
				+ ((uniqueId != null) ? "the configuration of plugin '" + uniqueId + "' in" : "plugin configurations of")
				+ " table " + this.tableName, ex);
	}

	/** A JDBC failure of this package as an I/O error, its message starting with {@code what}. */
	static UncheckedIOException failure(String what, SQLException ex) {
		// Values are bound as parameters, but a driver may quote the failing row on later
		// lines (PostgreSQL's "Detail: Failing row contains ..."): only the first line is
		// kept, here and in the cause, whose stack trace is the driver's.
		String driverMessage = firstLine(ex.getMessage());
		String message = what + ": " + driverMessage
				+ ((ex.getSQLState() != null) ? " (SQLState " + ex.getSQLState() + ")" : "");
		SQLException cause = new SQLException(driverMessage, ex.getSQLState(), ex.getErrorCode());
		cause.setStackTrace(ex.getStackTrace());
		return new UncheckedIOException(message, new IOException(message, cause));
	}

	static String firstLine(@Nullable String message) {
		if (message == null) {
			return "no message";
		}
		int end = message.indexOf('\n');
		return ((end >= 0) ? message.substring(0, end) : message).strip();
	}

}
