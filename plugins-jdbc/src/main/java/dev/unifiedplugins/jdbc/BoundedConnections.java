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
 * watcher's health report and a heartbeat that long). Bounded for HikariCP, which Spring
 * Boot gives an application; other pools wait as they are set to.
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

	BoundedConnections(DataSource dataSource, Duration wait) {
		super((dataSource instanceof TransactionAwareDataSourceProxy proxy) ? proxy.getTargetDataSource() : dataSource);
		this.waitMillis = Math.max(1, wait.toMillis());
	}

	@Override
	public Connection getConnection() throws SQLException {
		DataSource target = obtainTargetDataSource();
		if (HIKARI) {
			Connection connection = Hikari.getConnection(target, this.waitMillis);
			if (connection != null) {
				return connection;
			}
		}
		return target.getConnection();
	}

	/** Kept apart so that this class loads without HikariCP. */
	private static final class Hikari {

		/** A connection within the wait, or null when the data source is not a started HikariCP pool. */
		static Connection getConnection(DataSource target, long waitMillis) throws SQLException {
			if (target instanceof HikariDataSource hikari && hikari.getHikariPoolMXBean() instanceof HikariPool pool) {
				return pool.getConnection(waitMillis);
			}
			return null;
		}

	}

}
