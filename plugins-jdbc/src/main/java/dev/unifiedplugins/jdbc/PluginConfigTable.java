package dev.unifiedplugins.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

import dev.unifiedplugins.config.ExpectedRevision;
import dev.unifiedplugins.config.PluginConfigConflictException;
import dev.unifiedplugins.config.PluginIds;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcOperations;

/**
 * The SQL of one {@link JdbcPluginConfigStore} table: its checked name, its statements,
 * its notification channel, and the writes of one row, each within a transaction the
 * store runs with Spring's {@code TransactionOperations}.
 */
final class PluginConfigTable {

	// PostgreSQL's identifier limit (NAMEDATALEN - 1); each part of schema.table.
	private static final Pattern TABLE_NAME = Pattern
		.compile("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?");

	final String channel;

	private final String instanceName;

	/** What the store's notices carry, so that its own watch can tell them from others'. */
	private final String notifyToken;

	/** Whether the database is PostgreSQL; null until a connection tells. */
	private volatile @Nullable Boolean postgreSql;

	/** Whether the database is H2; null until a connection tells. */
	private volatile @Nullable Boolean h2;

	private final String selectRow;

	private final String selectLive;

	private final String selectLiveRevisions;

	private final String update;

	private final String updateIfDeleted;

	private final String updateIfRevision;

	private final String insert;

	private final String markDeleted;

	/**
	 * PostgreSQL's save in one round trip: the transaction's waits bounded, the row
	 * inserted or updated, the notice sent, the revision returned. A save is what users
	 * feel most; four statements and a commit cost about 1.6 times a bare upsert.
	 */
	private final String postgreSqlUpsert;

	/** The same with the history's statements in it: without and with the removal of old revisions. */
	private final String postgreSqlUpsertWithHistory;

	private final String postgreSqlUpsertWithHistoryPruned;

	private final PluginConfigHistoryTable history;

	PluginConfigTable(String table, String instanceName, String notifyToken, PluginConfigHistoryTable history) {
		this.instanceName = instanceName;
		this.notifyToken = notifyToken;
		this.history = history;
		this.channel = channelOf(table);
		// The table name is the only thing concatenated into SQL, and it was checked.
		this.selectRow = "SELECT json, revision FROM " + table + " WHERE unique_id = ?";
		this.selectLive = "SELECT revision FROM " + table + " WHERE unique_id = ? AND json IS NOT NULL";
		this.selectLiveRevisions = "SELECT unique_id, revision FROM " + table + " WHERE json IS NOT NULL";
		String set = "UPDATE " + table + " SET json = ?, revision = revision + 1, updated_at = CURRENT_TIMESTAMP,"
				+ " updated_by = ? WHERE unique_id = ?";
		this.update = set;
		this.updateIfDeleted = set + " AND json IS NULL";
		this.updateIfRevision = set + " AND revision = ? AND json IS NOT NULL";
		this.insert = "INSERT INTO " + table + " (unique_id, json, revision, updated_at, updated_by)"
				+ " VALUES (?, ?, 1, CURRENT_TIMESTAMP, ?)";
		String boundWaits = "SELECT set_config('lock_timeout', ?, true), set_config('statement_timeout', ?, true); ";
		String upsert = this.insert + " ON CONFLICT (unique_id) DO UPDATE SET json = excluded.json, revision = "
				+ table + ".revision + 1, updated_at = excluded.updated_at, updated_by = excluded.updated_by";
		String notifying = "SELECT revision, pg_notify(?, ?) FROM written";
		this.postgreSqlUpsert = boundWaits + "WITH written AS (" + upsert + " RETURNING revision) " + notifying;
		this.postgreSqlUpsertWithHistory = boundWaits + history.postgreSql(upsert, false, notifying);
		this.postgreSqlUpsertWithHistoryPruned = boundWaits + history.postgreSql(upsert, true, notifying);
		this.markDeleted = "UPDATE " + table + " SET json = NULL, revision = revision + 1,"
				+ " updated_at = CURRENT_TIMESTAMP, updated_by = ? WHERE unique_id = ? AND json IS NOT NULL";
	}

	/** A row's JSON (null when deleted) and revision; null when there is no row. */
	@Nullable Row row(JdbcOperations jdbc, String uniqueId) {
		return jdbc.query(this.selectRow, (ResultSet row) -> row.next() ? new Row(row.getString(1), row.getLong(2)) : null,
				uniqueId);
	}

	/** The revision of every live row whose id is a legal unique id; others were put there by hand. */
	Map<String, String> liveRevisions(JdbcOperations jdbc) {
		Map<String, String> revisions = new HashMap<>();
		jdbc.query(this.selectLiveRevisions, (ResultSet rows) -> {
			String id = rows.getString(1);
			if (PluginIds.isValid(id)) {
				revisions.put(id, Long.toString(rows.getLong(2)));
			}
		});
		return Map.copyOf(revisions);
	}

	/** Marks a row deleted, keeping it so that its revision goes on increasing. */
	boolean markDeleted(JdbcOperations jdbc, String uniqueId) {
		int deleted = change(jdbc, uniqueId, this.markDeleted, this.instanceName, uniqueId);
		if (deleted > 0) {
			this.history.deleted(uniqueId);
			notifyChange(jdbc, uniqueId);
		}
		return deleted > 0;
	}

	/**
	 * Updates the row, or inserts it when there is none, its waits bounded (see
	 * {@link #boundWaits}). Two writers inserting the same new
	 * id at once: one of them fails with a {@link org.springframework.dao.DuplicateKeyException},
	 * and its caller runs the transaction again, finding the row then.
	 */
	String upsert(JdbcOperations jdbc, String uniqueId, String json, Duration lockTimeout, Duration statementTimeout) {
		if (isPostgreSql(jdbc)) {
			return Objects.requireNonNull(postgreSqlUpsert(jdbc, uniqueId, json, lockTimeout, statementTimeout, false),
					"the row just written");
		}
		boundWaits(jdbc, lockTimeout, statementTimeout);
		if (write(jdbc, this.update, uniqueId, json) == 0) {
			insert(jdbc, uniqueId, json);
		}
		return written(jdbc, uniqueId);
	}

	/**
	 * PostgreSQL's upsert in one message: the waits bounded, the row written, the notice
	 * sent, the revision returned. Sent on an auto-committing connection, PostgreSQL runs
	 * the message as one implicit transaction and commits it with the same round trip.
	 * @param autoCommitOnly whether the caller runs it outside any transaction: then a
	 * connection that does not commit by itself (a pool set to {@code autoCommit=false})
	 * writes nothing, and the result is null, for the caller to write in a transaction
	 * @return the new revision, or null as said
	 */
	@Nullable String postgreSqlUpsert(JdbcOperations jdbc, String uniqueId, String json, Duration lockTimeout,
			Duration statementTimeout, boolean autoCommitOnly) {
		return jdbc.execute((ConnectionCallback<@Nullable String>) (connection) -> {
			if (autoCommitOnly && !connection.getAutoCommit()) {
				return null;
			}
			int size = this.history.size();
			boolean prune = size > 0 && this.history.pruneDue(uniqueId);
			try (PreparedStatement statement = connection.prepareStatement((size == 0) ? this.postgreSqlUpsert
					: prune ? this.postgreSqlUpsertWithHistoryPruned : this.postgreSqlUpsertWithHistory)) {
				// The lock wait is part of the statement: the client waits as long as the server may.
				statement.setQueryTimeout((int) Math.max(1, (statementTimeout.toMillis() + 999) / 1000));
				List<Object> parameters = new ArrayList<>(List.of(millis(lockTimeout), millis(statementTimeout)));
				List<Object> upsert = List.of(uniqueId, json, this.instanceName);
				List<Object> notice = List.of(this.channel, payload(uniqueId, this.notifyToken));
				if (size > 0) {
					parameters.addAll(PluginConfigHistoryTable.postgreSqlParameters(uniqueId, size, prune, upsert, notice));
				}
				else {
					parameters.addAll(upsert);
					parameters.addAll(notice);
				}
				for (int i = 0; i < parameters.size(); i++) {
					statement.setObject(i + 1, parameters.get(i));
				}
				statement.execute();
				if (!statement.getMoreResults()) {
					throw new IllegalStateException("The upsert of plugin '" + uniqueId + "' returned no revision");
				}
				try (ResultSet written = statement.getResultSet()) {
					if (!written.next()) {
						return null;
					}
					if (size > 0) {
						this.history.written(uniqueId);
					}
					return Long.toString(written.getLong(1));
				}
			}
		});
	}

	/** Creates the row, or revives a tombstone; a conflict when a live row exists. */
	String createIfAbsent(JdbcOperations jdbc, String uniqueId, String json) {
		if (write(jdbc, this.updateIfDeleted, uniqueId, json) == 0) {
			String actual = liveRevision(jdbc, uniqueId);
			if (actual != null) {
				throw new PluginConfigConflictException(uniqueId, ExpectedRevision.none(), actual);
			}
			// No row at all, or a tombstone written since the update: a duplicate key then,
			// and the caller runs the transaction again.
			insert(jdbc, uniqueId, json);
		}
		return written(jdbc, uniqueId);
	}

	/** Announces the row just written and returns its revision. */
	private String written(JdbcOperations jdbc, String uniqueId) {
		String revision = Objects.requireNonNull(liveRevision(jdbc, uniqueId), "the row just written");
		notifyChange(jdbc, uniqueId);
		return revision;
	}

	String replaceIfRevision(JdbcOperations jdbc, String uniqueId, String json, ExpectedRevision expected) {
		long revision = parseRevision(expected.revision());
		if (revision > 0 && change(jdbc, uniqueId, this.updateIfRevision, json, this.instanceName, uniqueId,
				revision) > 0) {
			notifyChange(jdbc, uniqueId);
			return Long.toString(revision + 1);
		}
		throw new PluginConfigConflictException(uniqueId, expected, liveRevision(jdbc, uniqueId));
	}

	/** The number a revision string stands for, or 0 when it is not one this store wrote. */
	static long parseRevision(@Nullable String revision) {
		try {
			long number = Long.parseLong(Objects.requireNonNull(revision));
			return (number > 0 && Long.toString(number).equals(revision)) ? number : 0;
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	private int write(JdbcOperations jdbc, String sql, String uniqueId, String json) {
		return change(jdbc, uniqueId, sql, json, this.instanceName, uniqueId);
	}

	private void insert(JdbcOperations jdbc, String uniqueId, String json) {
		change(jdbc, uniqueId, this.insert, uniqueId, json, this.instanceName);
	}

	/**
	 * Runs a write of a plugin's row and, when history is kept, its history's statements:
	 * on PostgreSQL in the same statement, elsewhere around it.
	 * @return how many rows it wrote
	 */
	private int change(JdbcOperations jdbc, String uniqueId, String sql, Object... parameters) {
		int size = this.history.size();
		if (size == 0) {
			return jdbc.update(sql, parameters);
		}
		boolean prune = this.history.pruneDue(uniqueId);
		int written;
		if (isPostgreSql(jdbc)) {
			written = Objects.requireNonNull(jdbc.query(this.history.postgreSql(sql, prune, "SELECT revision FROM written"),
					(ResultSet rows) -> rows.next() ? 1 : 0, PluginConfigHistoryTable
						.postgreSqlParameters(uniqueId, size, prune, Arrays.asList(parameters), List.of())
						.toArray()));
		}
		else {
			written = jdbc.update(sql, parameters);
			if (written > 0) {
				this.history.record(jdbc, uniqueId);
				if (prune) {
					this.history.prune(jdbc, uniqueId, size);
				}
			}
		}
		if (written > 0) {
			this.history.written(uniqueId);
		}
		return written;
	}

	@Nullable String liveRevision(JdbcOperations jdbc, String uniqueId) {
		return jdbc.query(this.selectLive, (ResultSet row) -> row.next() ? Long.toString(row.getLong(1)) : null,
				uniqueId);
	}

	/**
	 * Bounds the waits of the write transaction it is called in: a row lock held by
	 * another connection for longer than {@code lockTimeout} fails the statement waiting
	 * for it (PostgreSQL: SQLState 55P03; H2: error 50200), and on PostgreSQL no statement
	 * of the transaction runs longer than {@code statementTimeout}, even when the client's
	 * cancel cannot reach the server. Other databases are bounded by the JDBC query timeout
	 * only.
	 */
	void boundWaits(JdbcOperations jdbc, Duration lockTimeout, Duration statementTimeout) {
		if (isPostgreSql(jdbc)) {
			// SET LOCAL takes no parameters; set_config(..., true) is the same, bound.
			jdbc.query("SELECT set_config('lock_timeout', ?, true), set_config('statement_timeout', ?, true)",
					(ResultSet rs) -> null, millis(lockTimeout), millis(statementTimeout));
		}
		else if (isH2(jdbc)) {
			// H2's lock timeout is the session's; each write transaction sets its own.
			jdbc.execute("SET LOCK_TIMEOUT " + Math.max(1, lockTimeout.toMillis()));
		}
	}

	private static String millis(Duration duration) {
		return Math.max(1, duration.toMillis()) + "ms";
	}

	/** The notice payload: the unique id, then the token of the store that wrote it. */
	static String payload(String uniqueId, String token) {
		return uniqueId + " " + token;
	}

	/** Whether a notice's payload says that the store with this token sent it. */
	static boolean isOwnPayload(@Nullable String payload, String token) {
		return payload != null && payload.endsWith(" " + token);
	}

	/** Sends the change notice, delivered by PostgreSQL when the transaction commits. */
	private void notifyChange(JdbcOperations jdbc, String uniqueId) {
		if (isPostgreSql(jdbc)) {
			jdbc.query("SELECT pg_notify(?, ?)", (ResultSet rs) -> null, this.channel,
					payload(uniqueId, this.notifyToken));
		}
	}

	/** Whether a connection is to PostgreSQL, decided as Spring Boot decides a platform. */
	static boolean isPostgreSqlDatabase(Connection connection) throws SQLException {
		return "PostgreSQL".equalsIgnoreCase(connection.getMetaData().getDatabaseProductName());
	}

	@Nullable Boolean knownPostgreSql() {
		return this.postgreSql;
	}

	boolean isPostgreSql(JdbcOperations jdbc) {
		Boolean known = this.postgreSql;
		if (known == null) {
			known = Boolean.TRUE.equals(jdbc.execute((ConnectionCallback<Boolean>) PluginConfigTable::isPostgreSqlDatabase));
			this.postgreSql = known;
		}
		return known;
	}

	private boolean isH2(JdbcOperations jdbc) {
		Boolean known = this.h2;
		if (known == null) {
			known = Boolean.TRUE.equals(jdbc.execute((ConnectionCallback<Boolean>) (connection) -> "H2"
				.equalsIgnoreCase(connection.getMetaData().getDatabaseProductName())));
			this.h2 = known;
		}
		return known;
	}

	/** Whether a table name is legal: see {@link #requireValidName(String)}. */
	static boolean isValidName(String tableName) {
		return TABLE_NAME.matcher(tableName).matches();
	}

	static String requireValidName(String tableName) {
		Objects.requireNonNull(tableName, "tableName must not be null");
		if (!isValidName(tableName)) {
			throw new IllegalArgumentException("Illegal table name '" + tableName
					+ "': use letters, digits and '_', not starting with a digit, at most 63 characters,"
					+ " optionally qualified by a schema name (schema.table)");
		}
		return tableName;
	}

	/**
	 * The notification channel of a table: lower case, as PostgreSQL folds the unquoted
	 * table name, and within its 63-character limit (two tables sharing a channel only get
	 * each other's notices too, which is harmless).
	 */
	private static String channelOf(String tableName) {
		String channel = tableName.replace('.', '_').toLowerCase(Locale.ROOT) + "_changed";
		return (channel.length() > 63) ? channel.substring(0, 63) : channel;
	}

	/** One row as read: its JSON, null when deleted, and its revision. */
	record Row(@Nullable String json, long revision) {
	}

}
