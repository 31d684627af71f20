package dev.unifiedplugins.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.unifiedplugins.config.ConfigRevision;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcOperations;

/**
 * The SQL of a {@link JdbcPluginConfigStore} table's history, {@code <table>_history}: one
 * row per revision of a plugin ({@code unique_id}, {@code revision}), its {@code json}
 * (null for a deletion), {@code written_at} (the database's clock) and {@code written_by},
 * copied from the configuration row in the transaction that writes it. A store's first
 * write of a plugin (its first after a deletion too), and then every
 * {@value #PRUNE_EVERY}th, also removes what is
 * {@link #size()} revisions or more older (revisions of one plugin count up by one), so
 * that a write rarely pays for a delete (about a tenth of a save, even one that deletes
 * nothing), and the table holds at most {@code size + 7} rows of a plugin for each
 * instance writing it; reads return the last {@code size}. Rows whose revision is not in the history (a table
 * older than it, a hand edit, writes while the size was 0) are copied into it by the schema
 * scripts, which every start may run; until then a read shows such a row as the newest
 * entry.
 * <p>
 * On PostgreSQL both go into the write's own statement as data-modifying {@code WITH}
 * queries, so a write takes no more round trips with history than without; other
 * databases run them as statements of their own.
 */
final class PluginConfigHistoryTable {

	private static final String COLUMNS = "unique_id, revision, json, written_at, written_by";

	private static final String ROW_COLUMNS = "unique_id, revision, json, updated_at, updated_by";

	/** How often a store's writes of a plugin remove its old revisions: every this many. */
	static final int PRUNE_EVERY = 8;

	private final String record;

	private final String recordPostgreSql;

	private final String prunePostgreSql;

	private final String prune;

	private final String selectEntries;

	private final String selectCurrent;

	private final String selectJson;

	private final String selectRowJson;

	/** The history table, or null when the name of the configurations' table leaves no room for one. */
	private final @Nullable String history;

	private volatile int size;

	/**
	 * This store's writes of each plugin since it last removed old revisions, modulo
	 * {@value #PRUNE_EVERY}; none for a plugin whose next write removes them, so that
	 * plugins written and deleted leave no entry.
	 */
	private final Map<String, Integer> unpruned = new ConcurrentHashMap<>();

	/**
	 * Creates the SQL of a table's history.
	 * @param table the checked name of the configurations' table
	 * @param size how many revisions of each plugin to keep; when the table's name is too
	 * long for {@code <table>_history}, none are
	 */
	PluginConfigHistoryTable(String table, int size) {
		String history = table + "_history";
		this.history = PluginConfigTable.isValidName(history) ? history : null;
		this.size = (this.history != null) ? size : 0;
		// Names were checked: they are the only things concatenated into SQL.
		String copyRow = "INSERT INTO " + history + " (" + COLUMNS + ") SELECT " + ROW_COLUMNS + " FROM ";
		this.record = copyRow + table + " c WHERE c.unique_id = ? AND NOT EXISTS (SELECT 1 FROM " + history
				+ " e WHERE e.unique_id = c.unique_id AND e.revision = c.revision)";
		this.recordPostgreSql = copyRow + "written ON CONFLICT DO NOTHING)";
		this.prunePostgreSql = ", pruned AS (DELETE FROM " + history
				+ " WHERE unique_id = ? AND revision <= (SELECT revision FROM written) - ?)";
		this.prune = "DELETE FROM " + history + " WHERE unique_id = ? AND revision <= (SELECT revision FROM " + table
				+ " WHERE unique_id = ?) - ?";
		this.selectEntries = "SELECT revision, json IS NULL, written_at, written_by FROM " + history
				+ " WHERE unique_id = ? ORDER BY revision DESC";
		this.selectCurrent = "SELECT revision, json IS NULL, updated_at, updated_by FROM " + table
				+ " WHERE unique_id = ?";
		this.selectJson = "SELECT json FROM " + history + " WHERE unique_id = ? AND revision = ?";
		this.selectRowJson = "SELECT json FROM " + table + " WHERE unique_id = ? AND revision = ?";
	}

	/** {@return how many revisions of each plugin are kept; 0 when none} */
	int size() {
		return this.size;
	}

	void setSize(int size) {
		if (size < 0) {
			throw new IllegalArgumentException("The history size must be 0 (no history) or more, not " + size);
		}
		if (size > 0 && this.history == null) {
			throw new IllegalArgumentException("No history can be kept for this table: its name leaves no room for"
					+ " the history table's, <table>_history, within 63 characters; use a shorter table name");
		}
		this.size = size;
		this.unpruned.clear(); // the next write of each plugin applies the new size
	}

	/**
	 * Whether the next write of a plugin removes its old revisions: this store's first write
	 * of the plugin, its first after the plugin's deletion, and then every
	 * {@value #PRUNE_EVERY}th.
	 */
	boolean pruneDue(String uniqueId) {
		return this.unpruned.getOrDefault(uniqueId, 0) == 0;
	}

	/** {@return how many plugins this store counts the writes of, towards their next removal of old revisions} */
	int counted() {
		return this.unpruned.size();
	}

	/** Counts a write of a plugin that wrote its row. */
	void written(String uniqueId) {
		this.unpruned.merge(uniqueId, 1, (count, one) -> (count + one < PRUNE_EVERY) ? count + one : null);
	}

	/** Forgets the count of a plugin this store deleted: its next write removes old revisions. */
	void deleted(String uniqueId) {
		this.unpruned.remove(uniqueId);
	}

	/**
	 * A write of PostgreSQL's with its history, in one statement: the write, the row as
	 * written, and the old revisions removed if {@code prune}. Its parameters:
	 * {@link #postgreSqlParameters}.
	 * @param write an {@code INSERT} or {@code UPDATE} of the row, without {@code RETURNING}
	 * @param select what the statement returns, selected from {@code written}, the rows written
	 */
	String postgreSql(String write, boolean prune, String select) {
		return "WITH written AS (" + write + " RETURNING " + ROW_COLUMNS + "), recorded AS (" + this.recordPostgreSql
				+ (prune ? this.prunePostgreSql : "") + " " + select;
	}

	/** The parameters of {@link #postgreSql}: the write's, the prune's if any, then the select's. */
	static List<Object> postgreSqlParameters(String uniqueId, int size, boolean prune, List<?> write, List<?> select) {
		List<Object> parameters = new ArrayList<>(write);
		if (prune) {
			parameters.addAll(List.of(uniqueId, size));
		}
		parameters.addAll(select);
		return parameters;
	}

	/** Copies the row just written into the history, unless its revision is there. */
	void record(JdbcOperations jdbc, String uniqueId) {
		jdbc.update(this.record, uniqueId);
	}

	/** Removes what is {@code size} revisions or more older than the row. */
	void prune(JdbcOperations jdbc, String uniqueId, int size) {
		jdbc.update(this.prune, uniqueId, uniqueId, size);
	}

	/**
	 * A plugin's history, newest first, at most {@link #size()} entries: the row first when
	 * its revision is newer than the newest entry's (a hand edit).
	 */
	List<ConfigRevision> entries(JdbcOperations jdbc, String uniqueId) {
		int kept = this.size;
		if (kept == 0) {
			return List.of();
		}
		List<ConfigRevision> entries = new ArrayList<>(jdbc.query(this.selectEntries,
				(row, index) -> revision(row), uniqueId));
		List<ConfigRevision> current = jdbc.query(this.selectCurrent, (row, index) -> revision(row), uniqueId);
		if (!current.isEmpty() && (entries.isEmpty()
				|| Long.parseLong(current.get(0).revision()) > Long.parseLong(entries.get(0).revision()))) {
			entries.add(0, current.get(0));
		}
		return List.copyOf(entries.subList(0, Math.min(kept, entries.size())));
	}

	/**
	 * A revision's JSON: from the history, else from the row when it is the row's revision.
	 * @return the JSON, null when there is no such revision or it is a deletion
	 */
	@Nullable String json(JdbcOperations jdbc, String uniqueId, long revision) {
		if (this.size == 0) {
			return null;
		}
		List<@Nullable String> json = jdbc.query(this.selectJson, (row, index) -> row.getString(1), uniqueId,
				revision);
		if (json.isEmpty()) {
			json = jdbc.query(this.selectRowJson, (row, index) -> row.getString(1), uniqueId, revision);
		}
		return json.isEmpty() ? null : json.get(0);
	}

	private static ConfigRevision revision(ResultSet row) throws SQLException {
		OffsetDateTime at = row.getObject(3, OffsetDateTime.class);
		return new ConfigRevision(Long.toString(row.getLong(1)), at.toInstant(), row.getString(4), row.getBoolean(2));
	}

}
