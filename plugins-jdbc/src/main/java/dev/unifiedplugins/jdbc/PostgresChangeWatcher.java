package dev.unifiedplugins.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.unifiedplugins.concurrent.DaemonThreads;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Listens for a table's change notices ({@code LISTEN}/{@code NOTIFY}) on a connection of
 * its own from a {@link ListenConnectionSupplier}, in a daemon thread, for
 * {@link JdbcPluginConfigStore#watch}. After each (re)connection it reports a change, as
 * notices sent while not listening are lost; it reconnects with a growing pause of at
 * most 2 seconds, and while it is not listening it reports a change every poll interval
 * (when one is set), so that changes are still found by polling. Notices sent by the
 * watching store itself are not reported: its registry knows its own writes. While
 * listening and idle it sends one validity check every
 * {@link JdbcPluginConfigStore#SAFETY_REREAD_INTERVAL}, as a connection that died
 * silently leaves the wait for notices timing out for ever (pgjdbc #1144). Every call on
 * the connection is bounded by the store's query timeout, its network timeout while the
 * watcher holds it, so that a database that stops answering (a hung host, a network that
 * drops every packet) holds the thread no longer; all but the rest of a notice whose first
 * byte has come, which pgjdbc reads without a timeout: {@link #close()} aborts the
 * connection of a thread that does not end in time, so stopping it stays bounded. Only
 * loaded when the PostgreSQL JDBC driver is present, which it uses.
 */
final class PostgresChangeWatcher implements AutoCloseable {

	/**
	 * How long one wait for notices lasts: the bound on noticing {@link #close()}. A longer
	 * wait would not save anything, as a notice ends it at once, and it sends nothing.
	 */
	static final int WAIT_MILLIS = 500;

	private static final long MIN_BACKOFF_MILLIS = 100;

	private static final long MAX_BACKOFF_MILLIS = 2000;

	private static final String THREAD_NAME_PREFIX = "plugin-config-watch-";

	private static final System.Logger logger = System.getLogger(JdbcPluginConfigStore.class.getName());

	private final ListenConnectionSupplier connections;

	private final String tableName;

	private final String channel;

	private final String token;

	private final Runnable onChange;

	private final @Nullable Duration pollInterval;

	private final long validateEveryNanos;

	private final Duration timeout;

	private final int timeoutMillis;

	private final CountDownLatch stopped = new CountDownLatch(1);

	private final Thread thread;

	private volatile boolean listening;

	/** The connection the thread has now, for {@link #close()} to abort should the thread not end. */
	private volatile @Nullable Connection connection;

	/** Set to have the thread report a change at its next turn. */
	private final AtomicBoolean changeDue = new AtomicBoolean();

	/** Plugins written by this store whose outcome is unknown: their notices, should they come, are reported. */
	private final UncertainWrites uncertainWrites = new UncertainWrites();

	private long lastPoll = System.nanoTime();

	private PostgresChangeWatcher(ListenConnectionSupplier connections, String tableName, String channel, String token,
			Runnable onChange, @Nullable Duration pollInterval, Duration timeout, Duration validateEvery) {
		this.connections = connections;
		this.tableName = tableName;
		this.channel = channel;
		this.token = token;
		this.onChange = onChange;
		this.pollInterval = pollInterval;
		this.validateEveryNanos = validateEvery.toNanos();
		this.timeout = timeout;
		this.timeoutMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
		this.thread = DaemonThreads.named(THREAD_NAME_PREFIX + tableName).newThread(this::run);
	}

	/**
	 * Starts watching on a connection of its own; closing the watcher stops the thread.
	 * @param timeout the longest any call on the connection waits for the database (the
	 * store's query timeout): its network timeout, and its validity check's timeout
	 * @param validateEvery how long the connection may be idle before its validity is checked
	 */
	static PostgresChangeWatcher start(ListenConnectionSupplier connections, String tableName, String channel,
			String token, Runnable onChange, @Nullable Duration pollInterval, Duration timeout, Duration validateEvery) {
		PostgresChangeWatcher watcher = new PostgresChangeWatcher(connections, tableName, channel, token, onChange,
				pollInterval, timeout, validateEvery);
		watcher.thread.start();
		return watcher;
	}

	/**
	 * Has the thread report a change within about {@value #WAIT_MILLIS} ms (or once it has
	 * connected again), and report the notice of this store's write of a plugin, which it
	 * would otherwise ignore as the store's own: that write lost its connection and may
	 * commit when the database answers again, unknown to the registry. Its notice is
	 * awaited until the database answers after {@code settledWithin} has passed (from now,
	 * or from the thread's next connection should it lose this one); then the thread
	 * reports a change once more, and forgets the write.
	 * @param uniqueId the plugin written
	 * @param settledWithin the write's bound on the server: lock timeout plus query timeout
	 */
	void reportWriteOf(String uniqueId, Duration settledWithin) {
		this.uncertainWrites.add(uniqueId, settledWithin);
		this.changeDue.set(true);
	}

	/** {@return whether the thread is listening for notices now} */
	boolean isListening() {
		return this.listening;
	}

	/**
	 * Stops the thread and waits until it has closed its connection, at most 4 times
	 * {@value #WAIT_MILLIS} ms: it ends about {@value #WAIT_MILLIS} ms after. A thread
	 * still running then has its connection aborted, and ends at once: one that waits for
	 * a database that does not answer (a call under way, the {@code UNLISTEN}), and one
	 * whose network died partway through a notice, which pgjdbc reads without any timeout
	 * once its first byte has come. One that is connecting ends within its driver's bound
	 * on connecting (see {@link ListenConnectionSupplier#of(javax.sql.DataSource, Duration)}).
	 */
	@Override
	public void close() {
		this.stopped.countDown();
		if (Thread.currentThread() != this.thread) {
			try {
				this.thread.join(WAIT_MILLIS * 4L);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			if (this.thread.isAlive()) {
				abortConnection();
			}
		}
	}

	/**
	 * Closes the thread's connection under it: its socket is closed at once, without the
	 * driver's lock, which the blocked thread holds, so that its read fails.
	 */
	private void abortConnection() {
		Connection live = this.connection;
		if (live == null) {
			return;
		}
		try {
			live.abort(Runnable::run);
			logger.log(System.Logger.Level.INFO, "Aborted the connection listening for changes to table "
					+ this.tableName + ": its thread did not end within " + (WAIT_MILLIS * 4L) + " ms of closing");
		}
		catch (SQLException | RuntimeException ex) {
			logger.log(System.Logger.Level.WARNING, "Could not abort the connection listening for changes to table "
					+ this.tableName + "; its thread ends when the database answers: " + ex);
		}
	}

	private boolean isStopped() {
		return this.stopped.getCount() == 0;
	}

	private void run() {
		long backoff = MIN_BACKOFF_MILLIS;
		boolean failing = false;
		while (!isStopped()) {
			try (Connection connection = this.connections.get()) {
				this.connection = connection;
				if (!canListen(connection)) {
					connection.close();
					pollUntilStopped();
					return;
				}
				// Every call below then ends within the timeout, also on a database that stops
				// answering: a statement, the validity check, the UNLISTEN when stopped.
				int networkTimeout = connection.getNetworkTimeout();
				connection.setNetworkTimeout(Runnable::run, this.timeoutMillis);
				try {
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
					this.listening = true;
					this.uncertainWrites.restartClocks();
					// Whatever changed while not listening is reported now.
					changed();
					listen(connection, pg);
					unlisten(connection);
				}
				finally {
					restoreNetworkTimeout(connection, networkTimeout);
				}
			}
			catch (SQLException | RuntimeException ex) {
				if (isStopped()) {
					return;
				}
				logger.log(failing ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING,
						"Lost the change notices of table " + this.tableName + "; reconnecting"
								+ ((this.pollInterval != null) ? ", polling meanwhile: " : ": ") + ex);
				failing = true;
			}
			finally {
				this.listening = false;
				this.connection = null;
			}
			if (!pause(backoff)) {
				return;
			}
			backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
		}
	}

	/** Whether notices can be had on the connection; logs why not. */
	private boolean canListen(Connection connection) throws SQLException {
		if (!PluginConfigTable.isPostgreSqlDatabase(connection)) {
			logger.log(System.Logger.Level.DEBUG, "Not listening for changes to table " + this.tableName
					+ ": the database is not PostgreSQL; changes are found by polling");
			return false;
		}
		if (!connection.getAutoCommit()) {
			// Notices are only delivered outside a transaction; this connection is not ours to change.
			logger.log(System.Logger.Level.WARNING, "Not listening for changes to table " + this.tableName
					+ ": the LISTEN connection is not in auto-commit mode; changes are found by polling");
			return false;
		}
		return true;
	}

	/** A connection borrowed from a pool goes back with the network timeout it came with. */
	private static void restoreNetworkTimeout(Connection connection, int networkTimeout) {
		try {
			connection.setNetworkTimeout(Runnable::run, networkTimeout);
		}
		catch (SQLException | RuntimeException ex) {
			// Closed or broken: closing follows, and a pool drops it.
		}
	}

	private void listen(Connection connection, PGConnection pg) throws SQLException {
		long heard = System.nanoTime();
		while (!isStopped()) {
			PGNotification[] notices = pg.getNotifications(WAIT_MILLIS);
			// Any notice, our own included, shows that the connection is alive.
			boolean answered = notices != null && notices.length > 0;
			boolean report = answered && anyToReport(notices);
			// A write of unknown outcome past its deadline is forgotten only on the database's
			// answer: silence may be a network that drops packets, and the write may still
			// commit once they pass. A connection found dead restarts its clock on reconnecting.
			if (!answered && (System.nanoTime() - heard > this.validateEveryNanos || this.uncertainWrites.anyDue())) {
				if (!connection.isValid(JdbcPluginConfigStore.seconds(this.timeout))) {
					throw new SQLException("the listening connection is no longer valid", "08006");
				}
				answered = true;
			}
			if (answered) {
				heard = System.nanoTime();
				// Had one of them committed without its notice being heard, the change finds it.
				report |= this.uncertainWrites.forgetSettled();
			}
			if (report || this.changeDue.get()) {
				changed();
			}
		}
	}

	/** Whether any notice is another's, or of one of this store's writes whose outcome was unknown. */
	private boolean anyToReport(PGNotification[] notices) {
		boolean report = false;
		for (PGNotification notice : notices) {
			String payload = notice.getParameter();
			report |= !PluginConfigTable.isOwnPayload(payload, this.token)
					|| this.uncertainWrites.removeNotice(payload, this.token);
		}
		return report;
	}

	/**
	 * Waits, reporting a change every poll interval meanwhile.
	 * @return false when stopped
	 */
	private boolean pause(long millis) {
		long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
		while (true) {
			long now = System.nanoTime();
			if (this.pollInterval != null && now - this.lastPoll >= this.pollInterval.toNanos()) {
				changed();
				now = System.nanoTime();
			}
			long left = end - now;
			if (left <= 0) {
				return !isStopped();
			}
			if (this.pollInterval != null) {
				left = Math.min(left, Math.max(0, this.lastPoll + this.pollInterval.toNanos() - now));
			}
			try {
				if (this.stopped.await(Math.max(left, TimeUnit.MILLISECONDS.toNanos(1)), TimeUnit.NANOSECONDS)) {
					return false;
				}
			}
			catch (InterruptedException ex) {
				return false;
			}
		}
	}

	/** On a database that cannot notify: a change every poll interval, if one is set, until stopped. */
	private void pollUntilStopped() {
		if (this.pollInterval == null) {
			return;
		}
		while (pause(this.pollInterval.toMillis())) {
			// pause reports the changes
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
		this.changeDue.set(false);
		this.lastPoll = System.nanoTime();
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
