package dev.unifiedplugins.jdbc;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;

import javax.sql.DataSource;

import dev.unifiedplugins.concurrent.PeriodicTasks;
import org.jspecify.annotations.Nullable;

/**
 * The watches of one {@link JdbcPluginConfigStore}: a {@link PostgresChangeWatcher} where
 * PostgreSQL's notices can be had, else a poll at the poll interval, and what its
 * listening watches are told of the store's own writes whose outcome is unknown.
 */
final class StoreWatches {

	private static final AutoCloseable NOT_WATCHING = () -> {
	};

	private static final System.Logger logger = System.getLogger(JdbcPluginConfigStore.class.getName());

	private final DataSource dataSource;

	private final String tableName;

	private final String channel;

	private final String token;

	private final Duration timeout;

	private final Duration writeBound;

	private final Set<PostgresChangeWatcher> listening = ConcurrentHashMap.newKeySet();

	/**
	 * @param dataSource the store's data source, for the default listen connections
	 * @param tableName the store's table, for thread names and messages
	 * @param channel the table's notification channel
	 * @param token what the store's own notices carry
	 * @param timeout the store's query timeout, the bound on each call on a listen connection
	 * @param writeBound the bound on a write on the server (lock timeout plus query timeout):
	 * how long one whose outcome is unknown may still commit once the database answers
	 */
	StoreWatches(DataSource dataSource, String tableName, String channel, String token, Duration timeout,
			Duration writeBound) {
		this.dataSource = dataSource;
		this.tableName = tableName;
		this.channel = channel;
		this.token = token;
		this.timeout = timeout;
		this.writeBound = writeBound;
	}

	/**
	 * Starts a watch, as {@link JdbcPluginConfigStore#watch} describes it.
	 * @param postgreSql whether the database is PostgreSQL; null when not known yet
	 * @param supplier the listen connection supplier set on the store, null for the default
	 */
	AutoCloseable watch(Runnable onChange, @Nullable Boolean postgreSql, @Nullable Duration poll,
			@Nullable ListenConnectionSupplier supplier) {
		if (Boolean.FALSE.equals(postgreSql)) {
			return polling(onChange, poll);
		}
		if (!isPostgreSqlDriverPresent()) {
			if (Boolean.TRUE.equals(postgreSql)) {
				logger.log(System.Logger.Level.INFO, "Changes to table " + this.tableName + " are found by polling:"
						+ " LISTEN/NOTIFY needs the PostgreSQL JDBC driver (org.postgresql:postgresql)");
			}
			return polling(onChange, poll);
		}
		ListenConnectionSupplier connections = (supplier != null) ? supplier
				: ListenConnectionSupplier.of(this.dataSource, this.timeout);
		PostgresChangeWatcher watcher = PostgresChangeWatcher.start(connections, this.tableName, this.channel,
				this.token, onChange, poll, this.timeout, JdbcPluginConfigStore.SAFETY_REREAD_INTERVAL);
		this.listening.add(watcher);
		return () -> {
			this.listening.remove(watcher);
			watcher.close();
		};
	}

	/**
	 * A write of the store lost its connection, and may have committed or commit when the
	 * database answers again, with a notice that the listening watches would ignore as the
	 * store's own: each reports a change at once (its registry re-reads, and keeps trying
	 * while the database cannot be read) and reports that notice, should it come while
	 * the write may still commit (the write bound, once the database answers).
	 * Polling watches find it at their next poll.
	 */
	void writeOutcomeUnknown(String uniqueId) {
		for (PostgresChangeWatcher watcher : this.listening) {
			watcher.reportWriteOf(uniqueId, this.writeBound);
		}
	}

	private AutoCloseable polling(Runnable onChange, @Nullable Duration poll) {
		if (poll == null) {
			return NOT_WATCHING;
		}
		ScheduledExecutorService scheduler = PeriodicTasks.start("plugin-config-poll-" + this.tableName, poll, poll,
				() -> {
					try {
						onChange.run();
					}
					catch (RuntimeException ex) {
						logger.log(System.Logger.Level.WARNING,
								"A listener for changes to table " + this.tableName + " failed", ex);
					}
				});
		return scheduler::shutdownNow;
	}

	// PostgresChangeWatcher uses pgjdbc's types, so it is only loaded when they are present.
	private static boolean isPostgreSqlDriverPresent() {
		try {
			Class.forName("org.postgresql.PGConnection", false, StoreWatches.class.getClassLoader());
			return true;
		}
		catch (ClassNotFoundException | LinkageError ex) {
			return false;
		}
	}

}
