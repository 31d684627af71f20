package dev.unifiedplugins.applied;

import java.time.Duration;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Where the instances of a service record, for each plugin they have loaded, the revision
 * of its configuration they applied last, or the error of their last failed load or
 * reload; and where anyone reads what every live instance recorded. A
 * {@link dev.unifiedplugins.systems.PluginLifecycle} records its own instance's loads,
 * reloads and unloads; {@link LocalAppliedRevisions} keeps them for this instance only,
 * {@code dev.unifiedplugins.jdbc.JdbcAppliedRevisions} (plugins-jdbc) in the JDBC store's
 * database for every instance to see.
 * <p>
 * Implementations are thread-safe. {@link #record} and {@link #forget} are called with the
 * plugin's load lock held, in the order of its loads: they must return at once, never
 * wait for I/O (an implementation that writes to a database does it on a thread of its
 * own) and never throw.
 */
public interface AppliedRevisions {

	/** How often an await reads {@link #get} unless an implementation says otherwise. */
	Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(20);

	/** {@return the name this instance's entries go by} */
	String instanceName();

	/**
	 * Records how this instance's last load or reload of a plugin went, replacing what it
	 * recorded before for that plugin.
	 * @param uniqueId the plugin's unique id
	 * @param revision the revision of the configuration the load read, null when none was
	 * stored
	 * @param error why the load failed, null when it succeeded
	 */
	void record(String uniqueId, @Nullable String revision, @Nullable String error);

	/**
	 * Forgets a plugin this instance unloaded: it no longer has an entry for it.
	 * @param uniqueId the plugin's unique id
	 */
	void forget(String uniqueId);

	/**
	 * The entries of every live instance that has a plugin loaded (or whose load of it
	 * failed).
	 * @param uniqueId the plugin's unique id
	 * @return the entries by instance name, sorted; empty when no instance has it loaded
	 * @throws java.io.UncheckedIOException when they cannot be read now
	 */
	Map<String, AppliedRevision> get(String uniqueId);

	/**
	 * Whether this instance has an entry for a plugin, as it noted it, written to a shared
	 * store yet or not: an await then waits for this instance's own entry to be read back
	 * too, since one missing (its rows deleted while the store was out of reach) is not
	 * "every live instance applied it".
	 * @param uniqueId the plugin's unique id
	 * @return true when this instance recorded the plugin and did not forget it; false
	 * unless overridden
	 */
	default boolean hasOwnEntry(String uniqueId) {
		return false;
	}

	/**
	 * How often {@link AppliedAwait} reads {@link #get} while it waits: a shared store is
	 * read once per interval, and only while a save awaits.
	 * @return the interval; {@link #DEFAULT_POLL_INTERVAL} unless overridden
	 */
	default Duration pollInterval() {
		return DEFAULT_POLL_INTERVAL;
	}

}
