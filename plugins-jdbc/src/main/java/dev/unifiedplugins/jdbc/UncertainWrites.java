package dev.unifiedplugins.jdbc;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The plugins a store wrote whose outcome is unknown (the write lost its connection), for
 * a {@link PostgresChangeWatcher}: the notice of such a write, should it commit, is
 * reported though it is the store's own. Each is kept until that notice comes, or until
 * the write can no longer commit: once the database has answered the watcher for as long
 * as the write's bound on the server (lock timeout plus query timeout) after it was
 * reported, or after the watcher last connected, as a server that did not answer may run
 * what it was sent once it does. A write that never committed so leaves nothing behind.
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

	/**
	 * Forgets the writes past their deadline.
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
