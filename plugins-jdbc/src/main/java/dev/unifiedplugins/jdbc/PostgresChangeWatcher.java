package dev.unifiedplugins.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Listens for a table's change notices ({@code LISTEN}/{@code NOTIFY}) on a dedicated
 * PostgreSQL connection, in a daemon thread, for {@link JdbcPluginConfigStore#watch}.
 * Reconnects after any failure and then reports a change, since notices sent while not
 * listening are lost. Only loaded when the PostgreSQL JDBC driver is present, which it
 * uses.
 */
final class PostgresChangeWatcher implements AutoCloseable {

	/**
	 * How long one wait for notices lasts: the bound on noticing {@link #close()}. A longer
	 * wait would not save anything, as a notice ends it at once.
	 */
	static final int WAIT_MILLIS = 500;

	// A connection that died without a word (a dropped network path) leaves the wait
	// timing out forever (pgjdbc #1144); a query every few seconds finds out.
	private static final long VALIDATE_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);

	private static final int VALIDATE_TIMEOUT_SECONDS = 5;

	private static final long MIN_BACKOFF_MILLIS = 100;

	private static final long MAX_BACKOFF_MILLIS = 2000;

	private static final String THREAD_NAME_PREFIX = "plugin-config-watch-";

	private static final System.Logger logger = System.getLogger(JdbcPluginConfigStore.class.getName());

	private final DataSource dataSource;

	private final String tableName;

	private final String channel;

	private final Runnable onChange;

	private final CountDownLatch stopped = new CountDownLatch(1);

	private final Thread thread;

	private PostgresChangeWatcher(DataSource dataSource, String tableName, String channel, Runnable onChange) {
		this.dataSource = dataSource;
		this.tableName = tableName;
		this.channel = channel;
		this.onChange = onChange;
		this.thread = new Thread(this::run, THREAD_NAME_PREFIX + tableName);
		this.thread.setDaemon(true);
	}

	/** Starts watching on a connection of its own; closing the watcher stops the thread. */
	static PostgresChangeWatcher start(DataSource dataSource, String tableName, String channel, Runnable onChange) {
		PostgresChangeWatcher watcher = new PostgresChangeWatcher(dataSource, tableName, channel, onChange);
		watcher.thread.start();
		return watcher;
	}

	/** Stops the thread and waits (about {@value #WAIT_MILLIS} ms) until it has closed its connection. */
	@Override
	public void close() {
		this.stopped.countDown();
		if (Thread.currentThread() != this.thread) {
			try {
				// Bounded: a thread still connecting ends once it has, with no call.
				this.thread.join(WAIT_MILLIS * 4L);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private boolean isStopped() {
		return this.stopped.getCount() == 0;
	}

	private void run() {
		long backoff = MIN_BACKOFF_MILLIS;
		boolean failing = false;
		while (!isStopped()) {
			try (Connection connection = this.dataSource.getConnection()) {
				if (!PluginConfigTable.isPostgreSqlDatabase(connection)) {
					logger.log(System.Logger.Level.DEBUG, "Not watching table " + this.tableName
							+ ": the database is not PostgreSQL; changes are found by polling");
					return;
				}
				// Notices are only delivered outside a transaction.
				connection.setAutoCommit(true);
				PGConnection pg = connection.unwrap(PGConnection.class);
				try (Statement listen = connection.createStatement()) {
					// The channel was checked as an identifier; quoted to keep its case.
					listen.execute("LISTEN \"" + this.channel + "\"");
				}
				if (failing) {
					logger.log(System.Logger.Level.INFO, "Listening again for changes to table " + this.tableName);
				}
				failing = false;
				backoff = MIN_BACKOFF_MILLIS;
				// Whatever changed while not listening is reported now.
				changed();
				listen(connection, pg);
				unlisten(connection);
			}
			catch (SQLException | RuntimeException ex) {
				if (isStopped()) {
					return;
				}
				logger.log(failing ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING,
						"Lost the change notices of table " + this.tableName + "; reconnecting: " + ex);
				failing = true;
			}
			try {
				if (this.stopped.await(backoff, TimeUnit.MILLISECONDS)) {
					return;
				}
			}
			catch (InterruptedException ex) {
				return;
			}
			backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
		}
	}

	private void listen(Connection connection, PGConnection pg) throws SQLException {
		long validated = System.nanoTime();
		while (!isStopped()) {
			PGNotification[] notices = pg.getNotifications(WAIT_MILLIS);
			if (notices != null && notices.length > 0) {
				validated = System.nanoTime();
				changed();
			}
			else if (System.nanoTime() - validated > VALIDATE_EVERY_NANOS) {
				if (!connection.isValid(VALIDATE_TIMEOUT_SECONDS)) {
					throw new SQLException("the listening connection is no longer valid", "08006");
				}
				validated = System.nanoTime();
			}
		}
	}

	/** A pool would otherwise hand out a connection that still collects notices. */
	private void unlisten(Connection connection) {
		try (Statement unlisten = connection.createStatement()) {
			unlisten.execute("UNLISTEN *");
		}
		catch (SQLException ex) {
			// Closing follows; a pool drops a broken connection.
		}
	}

	private void changed() {
		if (isStopped()) {
			return;
		}
		try {
			this.onChange.run();
		}
		catch (RuntimeException ex) {
			logger.log(System.Logger.Level.WARNING,
					"A listener for changes to table " + this.tableName + " failed", ex);
		}
	}

}
