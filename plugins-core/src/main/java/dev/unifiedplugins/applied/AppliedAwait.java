package dev.unifiedplugins.applied;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * Waits, after a save, until every live instance that has the plugin loaded has applied
 * the saved revision or failed to: each instance reloads the plugin on its own thread
 * (this one included) and records the outcome in {@link AppliedRevisions}, which is read
 * every {@linkplain AppliedRevisions#pollInterval() poll interval} until then, or until the
 * wait runs out. Nothing is held while it waits.
 */
public final class AppliedAwait {

	private AppliedAwait() {
	}

	/**
	 * Waits for a revision to be applied (or to fail) on every live instance that has the
	 * plugin loaded, this one included when it has; with none, the answer comes at once. An instance counts once its entry
	 * has that revision: a revision saved after it, which the instances apply instead,
	 * leaves the wait to run out.
	 * @param applied where the instances record what they applied
	 * @param uniqueId the plugin's unique id
	 * @param revision the revision saved
	 * @param timeout the longest wait; zero reads once
	 * @return whether every instance applied or failed it, with the entries last read
	 * (null when the last read failed); not awaited when the thread is interrupted
	 */
	public static Awaited await(AppliedRevisions applied, String uniqueId, String revision, Duration timeout) {
		Objects.requireNonNull(applied, "applied must not be null");
		Objects.requireNonNull(uniqueId, "uniqueId must not be null");
		Objects.requireNonNull(revision, "revision must not be null");
		if (timeout.isNegative()) {
			throw new IllegalArgumentException("timeout must not be negative, not " + timeout);
		}
		long deadline = System.nanoTime() + timeout.toNanos();
		long poll = Math.max(1, applied.pollInterval().toNanos());
		while (true) {
			Map<String, AppliedRevision> entries;
			try {
				entries = applied.get(uniqueId);
			}
			catch (UncheckedIOException ex) {
				// The store cannot be read now; it may be again before the wait runs out.
				entries = null;
			}
			// This instance's own entry must be there: with none read back (its rows deleted
			// while the store was out of reach), "every instance applied it" is not known.
			if (entries != null && reached(entries, revision)
					&& (!applied.hasOwnEntry(uniqueId) || entries.containsKey(applied.instanceName()))) {
				return new Awaited(true, entries);
			}
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				return new Awaited(false, entries);
			}
			try {
				TimeUnit.NANOSECONDS.sleep(Math.min(poll, left));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return new Awaited(false, entries);
			}
		}
	}

	/**
	 * Whether every entry has a revision, applied or failed.
	 * @param entries the entries of the live instances
	 * @param revision the revision
	 * @return true when each has it, or there are none
	 */
	public static boolean reached(Map<String, AppliedRevision> entries, String revision) {
		for (AppliedRevision entry : entries.values()) {
			if (!revision.equals(entry.revision())) {
				return false;
			}
		}
		return true;
	}

	/**
	 * How an await ended.
	 *
	 * @param awaited whether every live instance that has the plugin loaded applied the
	 * revision or failed to, before the wait ran out
	 * @param applied the entries last read, by instance name, sorted; null when that read
	 * failed
	 */
	public record Awaited(boolean awaited, @Nullable Map<String, AppliedRevision> applied) {

		public Awaited {
			applied = (applied != null) ? Collections.unmodifiableMap(new TreeMap<>(applied)) : null;
		}

	}

}
