package dev.unifiedplugins.jdbc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

import dev.unifiedplugins.config.PluginConfigBusyException;
import dev.unifiedplugins.config.PluginConfigWriteOutcomeUnknownException;
import org.jspecify.annotations.Nullable;

/**
 * The store's database errors as the I/O errors it throws: each names the operation, the
 * plugin and the table, which bound ran out when one did, and, for a write that lost its
 * connection, that its outcome is unknown. Never a value.
 */
final class StoreFailures {

	private final String tableName;

	private final Duration lockTimeout;

	private final Duration queryTimeout;

	StoreFailures(String tableName, Duration lockTimeout, Duration queryTimeout) {
		this.tableName = tableName;
		this.lockTimeout = lockTimeout;
		this.queryTimeout = queryTimeout;
	}

	/**
	 * A write's failure: {@link PluginConfigBusyException} when its row was held past the
	 * lock timeout (nothing written), else as {@link #of}.
	 * @param startedNanos when the write started, in {@link System#nanoTime()} terms
	 */
	RuntimeException ofWrite(String operation, String uniqueId, Exception ex, long startedNanos) {
		if (JdbcErrors.isLockTimeout(ex)) {
			return new PluginConfigBusyException(uniqueId, Duration.ofNanos(System.nanoTime() - startedNanos),
					JdbcErrors.cause(ex));
		}
		return of(operation, uniqueId, ex, true);
	}

	/**
	 * A failure as an I/O error naming the operation, the plugin and the table, and, when a
	 * wait ran out, which one.
	 * @param write whether the operation is a write, bounded by the lock and query timeouts
	 */
	UncheckedIOException of(String operation, @Nullable String uniqueId, Exception ex, boolean write) {
		String what = "Cannot " + operation + " "
				+ ((uniqueId != null) ? "the configuration of plugin '" + uniqueId + "' in" : "plugin configurations of")
				+ " table " + this.tableName;
		if (JdbcErrors.isNetworkTimeout(ex)) {
			what += ": the database did not answer within the connection's network timeout ("
					+ BoundedConnections.networkTimeoutMillis(this.queryTimeout, this.lockTimeout.plus(this.queryTimeout))
					+ " ms behind HikariCP: plugins.lock-timeout plus twice plugins.jdbc.query-timeout)";
		}
		else if (JdbcErrors.timedOut(ex)) {
			// The driver says "canceling statement due to user request": say which wait ran out.
			what += ": the database did not answer within " + (write
					? this.lockTimeout.plus(this.queryTimeout).toMillis()
							+ " ms (plugins.lock-timeout plus plugins.jdbc.query-timeout)"
					: this.queryTimeout.toMillis() + " ms (plugins.jdbc.query-timeout)");
		}
		UncheckedIOException failure = JdbcErrors.failure(what, ex);
		if (write && JdbcErrors.lostTheConnection(ex)) {
			// PostgreSQL does not bound a commit by statement_timeout: this one may have committed.
			String unknown = failure.getMessage() + "; whether it was written is unknown: read it again";
			return new PluginConfigWriteOutcomeUnknownException(unknown, new IOException(unknown, failure.getCause()));
		}
		return failure;
	}

}
