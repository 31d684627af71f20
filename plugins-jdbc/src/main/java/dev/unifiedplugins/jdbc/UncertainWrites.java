package dev.unifiedplugins.jdbc;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The plugins a store wrote whose outcome is unknown (the write lost its connection), for
 * a {@link PostgresChangeWatcher}: the notice of such a write, should it commit, is
 * reported though it is the store's own. Each is kept until that notice comes, or until
 * the write can no longer commit: until the database answers the watcher after the
 * write's deadline, its bound on the server (lock timeout plus query timeout) counted from
 * when it was reported or the watcher last connected. A deadline passed without an answer
 * proves nothing (a server that did not answer, or a network that dropped what it was
 * sent, may run the write once it does), so the watcher then checks the connection, and a
 * connection lost restarts every clock. One entry a plugin, dropped on the database's
 * answer: a write that never committed so leaves nothing behind.
 */
final class UncertainWrites {

	private final Map<String, Pending> writes = new ConcurrentHashMap<>();

	/**
	 * Adds a write of unknown outcome.
	 * @param uniqueId the plugin written
	 * @param settledWithin how long the database may still commit it once it answers
	 */
	void add(String uniqueId, Duration settledWithin) {
		long bound = settledWithin.toNanos();
		this.writes.put(uniqueId, new Pending(bound, System.nanoTime() + bound));
	}

	/** Whether a notice's payload is of one of these writes; that write is then forgotten. */
	boolean removeNotice(String payload, String token) {
		return !this.writes.isEmpty()
				&& this.writes.keySet().removeIf((id) -> PluginConfigTable.payload(id, token).equals(payload));
	}

	/** The watcher has connected again: each write may commit from now on, for its bound. */
	void restartClocks() {
		long now = System.nanoTime();
		this.writes.replaceAll((id, pending) -> new Pending(pending.bound(), now + pending.bound()));
	}

	/** Whether any write is past its deadline: the database's answer now would settle it. */
	boolean anyDue() {
		if (this.writes.isEmpty()) {
			return false;
		}
		long now = System.nanoTime();
		return this.writes.values().stream().anyMatch((pending) -> now - pending.deadline() >= 0);
	}

	/**
	 * Forgets the writes past their deadline; to be called only when the database has just
	 * answered, as only then is a write past its deadline known to have settled.
	 * @return whether any was forgotten
	 */
	boolean forgetSettled() {
		long now = System.nanoTime();
		return !this.writes.isEmpty() && this.writes.values().removeIf((pending) -> now - pending.deadline() >= 0);
	}

	/** A write's bound and when it is forgotten, both in {@link System#nanoTime()} units. */
	private record Pending(long bound, long deadline) {
	}

}
