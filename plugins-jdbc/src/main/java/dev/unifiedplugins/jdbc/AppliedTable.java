package dev.unifiedplugins.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcOperations;

/**
 * The SQL of the table {@code <table>_applied} of {@link JdbcAppliedRevisions}: one row
 * per instance and plugin it has loaded, with the revision it applied last or the error of
 * its last failed load, when it recorded that, and its last heartbeat; every time is the
 * database's {@code CURRENT_TIMESTAMP}.
 */
final class AppliedTable {

	final String name;

	private final String update;

	private final String insert;

	private final String delete;

	private final String deleteInstance;

	private final String deleteInstanceAndSilent;

	private final String heartbeat;

	private final String select;

	AppliedTable(String name) {
		this.name = PluginConfigTable.requireValidName(name);
		// The table name is the only thing concatenated into SQL, and it was checked.
		this.update = "UPDATE " + name + " SET revision = ?, load_error = ?, applied_at = CURRENT_TIMESTAMP,"
				+ " heartbeat_at = CURRENT_TIMESTAMP WHERE unique_id = ? AND instance_name = ?";
		this.insert = "INSERT INTO " + name + " (unique_id, instance_name, revision, load_error, applied_at,"
				+ " heartbeat_at) VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)";
		this.delete = "DELETE FROM " + name + " WHERE unique_id = ? AND instance_name = ?";
		this.deleteInstance = "DELETE FROM " + name + " WHERE instance_name = ?";
		this.deleteInstanceAndSilent = "DELETE FROM " + name + " WHERE instance_name = ? OR heartbeat_at < ?";
		this.heartbeat = "UPDATE " + name + " SET heartbeat_at = CURRENT_TIMESTAMP WHERE instance_name = ?";
		this.select = "SELECT instance_name, revision, applied_at, load_error, heartbeat_at, CURRENT_TIMESTAMP FROM "
				+ name + " WHERE unique_id = ?";
	}

	/** Writes an instance's entry of a plugin, replacing the one it had. */
	void write(JdbcOperations jdbc, String instance, String uniqueId, @Nullable String revision,
			@Nullable String error) {
		if (jdbc.update(this.update, revision, error, uniqueId, instance) == 0) {
			// Only this instance writes its rows, one write at a time: no other inserts it meanwhile.
			jdbc.update(this.insert, uniqueId, instance, revision, error);
		}
	}

	void delete(JdbcOperations jdbc, String instance, String uniqueId) {
		jdbc.update(this.delete, uniqueId, instance);
	}

	/** Deletes every row of an instance, as it stops. */
	void deleteInstance(JdbcOperations jdbc, String instance) {
		jdbc.update(this.deleteInstance, instance);
	}

	/**
	 * Deletes what an instance's previous run under the same name left, and the rows of
	 * every instance silent for {@code dropOutAfter}, by the database's clock.
	 * @return the rows deleted
	 */
	int startAfresh(JdbcOperations jdbc, String instance, Duration dropOutAfter) {
		OffsetDateTime now = Objects.requireNonNull(jdbc.queryForObject("SELECT CURRENT_TIMESTAMP",
				(rows, i) -> rows.getObject(1, OffsetDateTime.class)), "CURRENT_TIMESTAMP");
		return jdbc.update(this.deleteInstanceAndSilent, instance, now.minus(dropOutAfter));
	}

	/** Marks an instance's rows alive now. @return the rows marked */
	int heartbeat(JdbcOperations jdbc, String instance) {
		return jdbc.update(this.heartbeat, instance);
	}

	/** Every row of a plugin, with the database's time of the read. */
	List<Row> rows(JdbcOperations jdbc, String uniqueId) {
		return jdbc.query(this.select, AppliedTable::row, uniqueId);
	}

	private static Row row(ResultSet rows, int i) throws SQLException {
		return new Row(rows.getString(1), rows.getString(2), instant(rows, 3), rows.getString(4), instant(rows, 5),
				instant(rows, 6));
	}

	private static Instant instant(ResultSet rows, int column) throws SQLException {
		return Objects.requireNonNull(rows.getObject(column, OffsetDateTime.class), "a timestamp").toInstant();
	}

	/**
	 * One row as read.
	 *
	 * @param instance the instance's name
	 * @param revision the revision it applied or failed to, null when none was stored
	 * @param appliedAt when it recorded that
	 * @param error why that load failed, null when it succeeded
	 * @param heartbeatAt its last heartbeat
	 * @param now the database's time of the read
	 */
	record Row(String instance, @Nullable String revision, Instant appliedAt, @Nullable String error,
			Instant heartbeatAt, Instant now) {
	}

}
