package dev.unifiedplugins.jdbcinit;

import java.sql.SQLException;
import java.util.Set;

/**
 * Tells the failures that two runs of an idempotent schema script at once cause each other
 * on H2 from all others. H2 does not serialize the DDL of its sessions: two starts on one
 * database (a file shared with {@code AUTO_SERVER}, a TCP server) fail each other's
 * {@code CREATE ... IF NOT EXISTS} ("object already exists", which H2 2.x reports as its
 * general error 50000, otherwise 42101 or 42111) or copy the same rows into a table (a
 * duplicate key, 23505). Only these are worth running such a script again for: any other
 * failure would fail the same way again.
 */
public final class H2SchemaRace {

	/** Object exists (a table, an index), and a duplicate key. */
	private static final Set<Integer> RACE_CODES = Set.of(42101, 42111, 23505);

	private static final int GENERAL_ERROR = 50000;

	private H2SchemaRace() {
	}

	/**
	 * Whether H2 failed a statement because another session ran the same one at once.
	 * @param ex the failure
	 * @return true only for H2's own exceptions with one of the race's error codes
	 */
	public static boolean isRace(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			// By class name: other databases use some of the same numbers for other errors.
			if (cause instanceof SQLException sql && sql.getClass().getName().startsWith("org.h2.")) {
				return RACE_CODES.contains(sql.getErrorCode()) || (sql.getErrorCode() == GENERAL_ERROR
						&& String.valueOf(sql.getMessage()).contains("object already exists"));
			}
		}
		return false;
	}

}
