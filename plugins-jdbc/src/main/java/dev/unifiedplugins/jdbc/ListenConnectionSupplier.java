package dev.unifiedplugins.jdbc;

import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.datasource.AbstractDriverBasedDataSource;

/**
 * Opens the connection on which {@link JdbcPluginConfigStore#watch} listens for change
 * notices ({@code LISTEN}), as Spring Integration's {@code PgConnectionSupplier}: a
 * connection of its own, held while watching and closed when the watch stops or the
 * connection fails, never one of the application's pool kept for ever.
 */
@FunctionalInterface
public interface ListenConnectionSupplier {

	/**
	 * Opens a new connection to the store's PostgreSQL database, in auto-commit mode
	 * (notices are only delivered outside a transaction).
	 * @return the connection, closed by the caller
	 * @throws SQLException when the database cannot be reached
	 */
	Connection get() throws SQLException;

	/**
	 * The supplier used when none is given, for a store of the default query timeout: see
	 * {@link #of(DataSource, Duration)}.
	 * @param dataSource the store's data source
	 * @return the supplier
	 */
	static ListenConnectionSupplier of(DataSource dataSource) {
		return of(dataSource, JdbcPluginConfigStore.DEFAULT_QUERY_TIMEOUT);
	}

	/**
	 * The supplier used when none is given: for a data source that opens a new physical
	 * connection on each call (Spring's {@code DriverManagerDataSource} and
	 * {@code SimpleDriverDataSource}, PostgreSQL's {@code PGSimpleDataSource}), its
	 * {@code getConnection()}; for a pool that exposes its JDBC URL, user and password
	 * (HikariCP does), a connection from {@link DriverManager} with them, outside the pool;
	 * for any other, a connection borrowed from the data source for as long as the watch
	 * lasts, which is logged, as it is one connection fewer for the application.
	 * <p>
	 * A connection from {@link DriverManager} to PostgreSQL waits at most {@code timeout}
	 * (in whole seconds, rounded up) to connect and for each answer while it logs in
	 * (pgjdbc's {@code connectTimeout} and {@code socketTimeout}, unless the pool's data
	 * source properties or the URL set them), so that a database that does not answer
	 * holds up no attempt to connect for longer. The other two wait as their data source
	 * is set to.
	 * @param dataSource the store's data source
	 * @param timeout the longest wait for each answer while connecting: the store's query
	 * timeout
	 * @return the supplier
	 */
	static ListenConnectionSupplier of(DataSource dataSource, Duration timeout) {
		Objects.requireNonNull(dataSource, "dataSource must not be null");
		if (dataSource instanceof AbstractDriverBasedDataSource
				|| dataSource.getClass().getName().equals("org.postgresql.ds.PGSimpleDataSource")) {
			return dataSource::getConnection;
		}
		String url = property(dataSource, "getJdbcUrl", "getUrl");
		if (url != null) {
			Properties properties = new Properties();
			Object extra = invoke(dataSource, "getDataSourceProperties");
			if (extra instanceof Properties more) {
				properties.putAll(more);
			}
			String user = property(dataSource, "getUsername", "getUser");
			String password = property(dataSource, "getPassword");
			if (user != null) {
				properties.setProperty("user", user);
			}
			if (password != null) {
				properties.setProperty("password", password);
			}
			if (url.startsWith("jdbc:postgresql:")) {
				// pgjdbc's own names; another driver may refuse them. The URL's win over these.
				String seconds = Integer.toString(JdbcPluginConfigStore.seconds(timeout));
				properties.putIfAbsent("connectTimeout", seconds);
				properties.putIfAbsent("socketTimeout", seconds);
			}
			return () -> DriverManager.getConnection(url, properties);
		}
		System.getLogger(JdbcPluginConfigStore.class.getName())
			.log(System.Logger.Level.INFO, "Change notices are listened for on a connection borrowed from "
					+ dataSource.getClass().getName() + " for as long as the store is watched: it exposes no JDBC URL to"
					+ " open one of its own; set JdbcPluginConfigStore.setListenConnectionSupplier to change that");
		return dataSource::getConnection;
	}

	private static @Nullable String property(DataSource dataSource, String... getters) {
		for (String getter : getters) {
			if (invoke(dataSource, getter) instanceof String value && !value.isBlank()) {
				return value;
			}
		}
		return null;
	}

	private static @Nullable Object invoke(DataSource dataSource, String getter) {
		try {
			Method method = dataSource.getClass().getMethod(getter);
			return (method.getParameterCount() == 0) ? method.invoke(dataSource) : null;
		}
		catch (ReflectiveOperationException | RuntimeException | LinkageError ex) {
			return null;
		}
	}

}
