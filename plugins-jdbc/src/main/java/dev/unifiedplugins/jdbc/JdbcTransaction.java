package dev.unifiedplugins.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

/**
 * One write of {@link JdbcPluginConfigStore} as one transaction, on a connection of the
 * pool that is given back with the auto-commit it had.
 */
final class JdbcTransaction {

	// A writer that loses a race to insert a new id retries its update: the row exists then.
	private static final int WRITE_ATTEMPTS = 3;

	private JdbcTransaction() {
	}

	/**
	 * Runs a write in one transaction, rolled back when it fails.
	 * @param retryIntegrityViolations whether to run it again (up to {@value #WRITE_ATTEMPTS}
	 * times) after a unique violation (SQLState class 23): a write that inserts a new id
	 * fails so when another writer inserted it first; on the next attempt the row exists
	 */
	static <T> T run(DataSource dataSource, boolean retryIntegrityViolations, Work<T> work) throws SQLException {
		try (Connection connection = dataSource.getConnection()) {
			boolean autoCommit = connection.getAutoCommit();
			if (autoCommit) {
				connection.setAutoCommit(false);
			}
			try {
				for (int attempt = 1;; attempt++) {
					try {
						T result = work.run(connection);
						connection.commit();
						return result;
					}
					catch (SQLException ex) {
						rollback(connection, ex);
						if (!retryIntegrityViolations || attempt >= WRITE_ATTEMPTS || ex.getSQLState() == null
								|| !ex.getSQLState().startsWith("23")) {
							throw ex;
						}
					}
					catch (RuntimeException | Error ex) {
						rollback(connection, ex);
						throw ex;
					}
				}
			}
			finally {
				if (autoCommit) {
					restoreAutoCommit(connection);
				}
			}
		}
	}

	private static void rollback(Connection connection, Throwable failure) {
		try {
			connection.rollback();
		}
		catch (SQLException ex) {
			failure.addSuppressed(ex);
		}
	}

	private static void restoreAutoCommit(Connection connection) {
		try {
			connection.setAutoCommit(true);
		}
		catch (SQLException ex) {
			// The connection is broken; closing it is all that is left, and the pool drops it.
		}
	}

	/** The statements of one transaction. */
	@FunctionalInterface
	interface Work<T> {

		T run(Connection connection) throws SQLException;

	}

}
