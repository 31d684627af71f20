package dev.unifiedplugins.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

import dev.unifiedplugins.config.PluginIds;
import org.jspecify.annotations.Nullable;
import dev.unifiedplugins.config.ExpectedRevision;
import dev.unifiedplugins.config.PluginConfigConflictException;

/**
 * The SQL of one {@link JdbcPluginConfigStore} table: its checked name, its statements,
 * its notification channel, and the writes of one row, each within a transaction the
 * store runs.
 */
final class PluginConfigTable {

	// PostgreSQL's identifier limit (NAMEDATALEN - 1); each part of schema.table.
	private static final Pattern TABLE_NAME = Pattern
		.compile("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?");

	final String channel;

	private final String instanceName;

	/** Whether the database is PostgreSQL; null until a connection tells. */
	private volatile @Nullable Boolean postgreSql;

	private final String selectRow;

	private final String selectLive;

	private final String selectLiveRevisions;

	private final String update;

	private final String updateIfDeleted;

	private final String updateIfRevision;

	private final String insert;

	private final String markDeleted;

	PluginConfigTable(String table, String instanceName) {
		this.instanceName = instanceName;
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
		this.markDeleted = "UPDATE " + table + " SET json = NULL, revision = revision + 1,"
				+ " updated_at = CURRENT_TIMESTAMP, updated_by = ? WHERE unique_id = ? AND json IS NOT NULL";
	}

	/** A row's JSON (null when deleted) and revision; null when there is no row. */
	@Nullable Row row(Connection connection, String uniqueId) throws SQLException {
		try (PreparedStatement select = connection.prepareStatement(this.selectRow)) {
			select.setString(1, uniqueId);
			try (ResultSet row = select.executeQuery()) {
				return row.next() ? new Row(row.getString(1), row.getLong(2)) : null;
			}
		}
	}

	/** The revision of every live row whose id is a legal unique id; others were put there by hand. */
	Map<String, String> liveRevisions(Connection connection) throws SQLException {
		Map<String, String> revisions = new HashMap<>();
		try (PreparedStatement select = connection.prepareStatement(this.selectLiveRevisions);
				ResultSet rows = select.executeQuery()) {
			while (rows.next()) {
				String id = rows.getString(1);
				if (PluginIds.isValid(id)) {
					revisions.put(id, Long.toString(rows.getLong(2)));
				}
			}
		}
		return Map.copyOf(revisions);
	}

	/** Marks a row deleted, keeping it so that its revision goes on increasing. */
	boolean markDeleted(Connection connection, String uniqueId) throws SQLException {
		int deleted;
		try (PreparedStatement update = connection.prepareStatement(this.markDeleted)) {
			update.setString(1, this.instanceName);
			update.setString(2, uniqueId);
			deleted = update.executeUpdate();
		}
		if (deleted > 0) {
			notifyChange(connection, uniqueId);
		}
		return deleted > 0;
	}

	String upsert(Connection connection, String uniqueId, String json) throws SQLException {
		if (write(connection, this.update, uniqueId, json) == 0) {
			insert(connection, uniqueId, json);
		}
		return written(connection, uniqueId);
	}

	String createIfAbsent(Connection connection, String uniqueId, String json) throws SQLException {
		if (write(connection, this.updateIfDeleted, uniqueId, json) == 0) {
			String actual = liveRevision(connection, uniqueId);
			if (actual != null) {
				throw new PluginConfigConflictException(uniqueId, ExpectedRevision.none(), actual);
			}
			// No row at all, or a tombstone written since the update: a unique violation
			// then, which is retried.
			insert(connection, uniqueId, json);
		}
		return written(connection, uniqueId);
	}

	/** Announces the row just written and returns its revision. */
	private String written(Connection connection, String uniqueId) throws SQLException {
		String revision = Objects.requireNonNull(liveRevision(connection, uniqueId), "the row just written");
		notifyChange(connection, uniqueId);
		return revision;
	}

	String replaceIfRevision(Connection connection, String uniqueId, String json, ExpectedRevision expected)
			throws SQLException {
		long revision = parseRevision(expected.revision());
		if (revision > 0) {
			try (PreparedStatement update = connection.prepareStatement(this.updateIfRevision)) {
				bindWrite(update, uniqueId, json);
				update.setLong(4, revision);
				if (update.executeUpdate() > 0) {
					notifyChange(connection, uniqueId);
					return Long.toString(revision + 1);
				}
			}
		}
		throw new PluginConfigConflictException(uniqueId, expected, liveRevision(connection, uniqueId));
	}

	/** The number a revision string stands for, or 0 when it is not one this store wrote. */
	private static long parseRevision(@Nullable String revision) {
		try {
			long number = Long.parseLong(Objects.requireNonNull(revision));
			return (number > 0 && Long.toString(number).equals(revision)) ? number : 0;
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	private int write(Connection connection, String sql, String uniqueId, String json) throws SQLException {
		try (PreparedStatement update = connection.prepareStatement(sql)) {
			bindWrite(update, uniqueId, json);
			return update.executeUpdate();
		}
	}

	private void bindWrite(PreparedStatement update, String uniqueId, String json) throws SQLException {
		update.setString(1, json);
		update.setString(2, this.instanceName);
		update.setString(3, uniqueId);
	}

	private void insert(Connection connection, String uniqueId, String json) throws SQLException {
		try (PreparedStatement insert = connection.prepareStatement(this.insert)) {
			insert.setString(1, uniqueId);
			insert.setString(2, json);
			insert.setString(3, this.instanceName);
			insert.executeUpdate();
		}
	}

	@Nullable String liveRevision(Connection connection, String uniqueId) throws SQLException {
		try (PreparedStatement select = connection.prepareStatement(this.selectLive)) {
			select.setString(1, uniqueId);
			try (ResultSet row = select.executeQuery()) {
				return row.next() ? Long.toString(row.getLong(1)) : null;
			}
		}
	}

	/** Sends the change notice, delivered by PostgreSQL when the transaction commits. */
	private void notifyChange(Connection connection, String uniqueId) throws SQLException {
		if (isPostgreSql(connection)) {
			try (PreparedStatement notify = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
				notify.setString(1, this.channel);
				notify.setString(2, uniqueId);
				notify.executeQuery().close();
			}
		}
	}

	/** Whether a connection is to PostgreSQL, decided as Spring Boot decides a platform. */
	static boolean isPostgreSqlDatabase(Connection connection) throws SQLException {
		return "PostgreSQL".equalsIgnoreCase(connection.getMetaData().getDatabaseProductName());
	}

	@Nullable Boolean knownPostgreSql() {
		return this.postgreSql;
	}

	boolean isPostgreSql(Connection connection) throws SQLException {
		Boolean known = this.postgreSql;
		if (known == null) {
			known = isPostgreSqlDatabase(connection);
			this.postgreSql = known;
		}
		return known;
	}

	static String requireValidName(String tableName) {
		Objects.requireNonNull(tableName, "tableName must not be null");
		if (!TABLE_NAME.matcher(tableName).matches()) {
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
