package dev.unifiedplugins.jdbc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

/**
 * What the store makes of a database error: a lock wait that ran out (the busy case), or
 * an I/O error whose message names what failed and keeps only the first line of the
 * driver's, which may quote a failing row on later lines.
 */
final class JdbcErrors {

	private JdbcErrors() {
	}

	/** Whether a write failed because another connection held its row past the lock timeout. */
	static boolean isLockTimeout(Exception ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof SQLException sql
					&& ("55P03".equals(sql.getSQLState()) || (H2_LOCK_TIMEOUT == sql.getErrorCode()
							&& sql.getClass().getName().startsWith("org.h2.")))) {
				return true;
			}
			if (cause == cause.getCause()) {
				break;
			}
		}
		return ex instanceof CannotAcquireLockException;
	}

	// H2's ErrorCode.LOCK_TIMEOUT_1.
	private static final int H2_LOCK_TIMEOUT = 50200;

	/** The driver's exception behind a translated one, its message cut as {@link #failure} cuts it. */
	static @Nullable Throwable cause(Exception ex) {
		return (ex instanceof DataAccessException data && data.getMostSpecificCause() instanceof SQLException sql)
				? safe(sql) : null;
	}

	/** A failure of Spring's JDBC support as an I/O error, its message starting with {@code what}. */
	static UncheckedIOException failure(String what, Exception ex) {
		if (ex instanceof DataAccessException data && data.getMostSpecificCause() instanceof SQLException sql) {
			return failure(what, sql);
		}
		String message = what + ": " + firstLine(ex.getMessage());
		return new UncheckedIOException(message, new IOException(message));
	}

	private static SQLException safe(SQLException ex) {
		SQLException cause = new SQLException(firstLine(ex.getMessage()), ex.getSQLState(), ex.getErrorCode());
		cause.setStackTrace(ex.getStackTrace());
		return cause;
	}

	/** A JDBC failure of this package as an I/O error, its message starting with {@code what}. */
	static UncheckedIOException failure(String what, SQLException ex) {
		// Values are bound as parameters, but a driver may quote the failing row on later
		// lines (PostgreSQL's "Detail: Failing row contains ..."): only the first line is
		// kept, here and in the cause, whose stack trace is the driver's.
		String driverMessage = firstLine(ex.getMessage());
		String message = what + ": " + driverMessage
				+ ((ex.getSQLState() != null) ? " (SQLState " + ex.getSQLState() + ")" : "");
		return new UncheckedIOException(message, new IOException(message, safe(ex)));
	}

	/** PostgreSQL's lock_timeout and statement timeout (or a cancelled query). */
	private static final Set<String> TIMED_OUT = Set.of("55P03", "57014");

	/** Whether a failure is a wait that ran out: a lock, a statement, a cancelled query. */
	static boolean timedOut(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (cause instanceof SQLException sql && sql.getSQLState() != null) {
				return TIMED_OUT.contains(sql.getSQLState());
			}
		}
		return false;
	}

	/**
	 * Whether a failure lost a connection that had been had (its network timeout ran out,
	 * or it broke: SQLState class 08), rather than failing to get one: what was sent on it
	 * may have been committed.
	 */
	static boolean lostTheConnection(Throwable ex) {
		boolean lost = false;
		for (Throwable cause = ex; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (cause instanceof CannotGetJdbcConnectionException) {
				return false;
			}
			lost |= cause instanceof SocketTimeoutException
					|| (cause instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08"));
		}
		return lost;
	}

	/** Whether a failure is a read from the database that its network timeout ended. */
	static boolean isNetworkTimeout(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (cause instanceof SocketTimeoutException) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The driver's message, first line only (values are parameters, but a driver may quote
	 * a failing row on later lines), without Spring's repetition of the statement.
	 */
	static String causeMessage(Throwable ex) {
		Throwable cause = ex;
		while (cause.getCause() != null && cause.getCause() != cause) {
			cause = cause.getCause();
		}
		String message = cause.getMessage();
		if (message == null) {
			message = cause.getClass().getName();
		}
		String first = firstLine(message);
		return (cause instanceof SQLException sql && sql.getSQLState() != null)
				? first + " (SQLState " + sql.getSQLState() + ")" : first;
	}

	static String firstLine(@Nullable String message) {
		if (message == null) {
			return "no message";
		}
		int end = message.indexOf('\n');
		return ((end >= 0) ? message.substring(0, end) : message).strip();
	}

}
