package dev.unifiedplugins.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;

import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.util.ClassUtils;

/**
 * The store's and the fleet's view of the application's {@link DataSource}: a wait for a
 * pooled connection is bounded by the query timeout, not by the pool's own (HikariCP waits
 * 30 s by default while the database is down, which would hold a save, the change
 * watcher's health report and a heartbeat that long), and so is a wait for a database
 * that stops answering on an open connection (a hung server, a network that drops every
 * packet), which the statements' own timeouts cannot end: they ask the server to cancel,
 * and no answer comes. Such a connection gets a network timeout
 * ({@link Connection#setNetworkTimeout}) of the longest statement it may run plus the
 * query timeout, so that a timeout the server does enforce always ends first; the pool
 * puts its own back when the connection returns to it. Bounded for HikariCP, which Spring
 * Boot gives an application; other pools wait as they are set to (PostgreSQL's
 * {@code socketTimeout} bounds the second wait there).
 * <p>
 * Spring's transactions key connections by data source: this view is the key of the
 * store's own transactions, so a caller's transaction on the application's data source is
 * never joined nor committed. A {@link TransactionAwareDataSourceProxy} is looked through,
 * as Spring's transaction manager does, so that it cannot hand out the caller's connection.
 */
final class BoundedConnections extends DelegatingDataSource {

	private static final boolean HIKARI = ClassUtils.isPresent("com.zaxxer.hikari.HikariDataSource",
			BoundedConnections.class.getClassLoader());

	private final long waitMillis;

	private final int networkTimeoutMillis;

	/**
	 * @param dataSource the application's data source
	 * @param wait the query timeout: the longest wait for a pooled connection
	 * @param longestStatement the longest a statement on these connections may run
	 */
	BoundedConnections(DataSource dataSource, Duration wait, Duration longestStatement) {
		super((dataSource instanceof TransactionAwareDataSourceProxy proxy) ? proxy.getTargetDataSource() : dataSource);
		this.waitMillis = Math.max(1, wait.toMillis());
		// JDBC's query timeouts are whole seconds, rounded up: the server's answer to the
		// cancel they send comes after that, and is given the query timeout.
		this.networkTimeoutMillis = networkTimeoutMillis(wait, longestStatement);
	}

	/** The network timeout of these connections, in milliseconds, for messages too. */
	static int networkTimeoutMillis(Duration wait, Duration longestStatement) {
		long statementMillis = Math.max(1, (longestStatement.toMillis() + 999) / 1000) * 1000;
		return (int) Math.min(Integer.MAX_VALUE, statementMillis + Math.max(1, wait.toMillis()));
	}

	@Override
	public Connection getConnection() throws SQLException {
		DataSource target = obtainTargetDataSource();
		if (HIKARI) {
			Connection connection = Hikari.getConnection(target, this.waitMillis, this.networkTimeoutMillis);
			if (connection != null) {
				return connection;
			}
		}
		return target.getConnection();
	}

	/** Kept apart so that this class loads without HikariCP. */
	private static final class Hikari {

		/** A connection within the wait, or null when the data source is not a started HikariCP pool. */
		static Connection getConnection(DataSource target, long waitMillis, int networkTimeoutMillis)
				throws SQLException {
			if (target instanceof HikariDataSource hikari && hikari.getHikariPoolMXBean() instanceof HikariPool pool) {
				Connection connection = pool.getConnection(waitMillis);
				try {
					// HikariCP sets its own back when the connection is closed.
					connection.setNetworkTimeout(Runnable::run, networkTimeoutMillis);
				}
				catch (SQLException | RuntimeException ex) {
					// A driver without network timeouts (H2): bounded by the statements' timeouts only.
				}
				return connection;
			}
			return null;
		}

	}

}
