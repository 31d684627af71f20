package dev.unifiedplugins.config;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.unifiedplugins.concurrent.KeyedLocks;

/**
 * Where plugin configurations are kept: one JSON object per plugin unique id, with a
 * revision that changes whenever it does. Implementations are thread-safe.
 * <p>
 * The revision methods have defaults for stores written before revisions existed: they
 * take a hash of the configuration as its revision, and check revisions within this JVM
 * only. The stores of this library implement them for real, across processes.
 * <p>
 * The history methods have defaults for stores without a history: {@link #history} is
 * empty and {@link #loadRevision} finds nothing, so such a store has nothing to restore.
 */
public interface PluginConfigStore {

	/**
	 * Reads a plugin's configuration.
	 * @param uniqueId the plugin's unique id
	 * @return the configuration, or empty when none is saved
	 * @throws IllegalArgumentException when the id is illegal
	 * @throws PluginConfigException when the stored configuration is corrupt
	 * @throws java.io.UncheckedIOException when it cannot be read
	 */
	Optional<Map<String, Object>> load(String uniqueId);

	/**
	 * Saves a plugin's configuration, replacing any previous one atomically.
	 * @param uniqueId the plugin's unique id
	 * @param config a JSON object: maps with string keys, lists, strings, numbers,
	 * booleans and nulls
	 * @throws IllegalArgumentException when the id is illegal or a value cannot be held
	 * in JSON, or would not load back as saved; the previous configuration is then left as
	 * it was
	 * @throws java.io.UncheckedIOException when it cannot be written; the previous
	 * configuration is then left as it was
	 */
	void save(String uniqueId, Map<String, Object> config);

	/**
	 * Deletes a plugin's configuration.
	 * @param uniqueId the plugin's unique id
	 * @return true when a configuration existed
	 * @throws IllegalArgumentException when the id is illegal
	 * @throws java.io.UncheckedIOException when it cannot be deleted
	 */
	boolean delete(String uniqueId);

	/**
	 * Whether a configuration is saved for a plugin.
	 * @param uniqueId the plugin's unique id
	 * @return true when one is saved
	 * @throws IllegalArgumentException when the id is illegal
	 */
	boolean exists(String uniqueId);

	/**
	 * The unique ids that have a saved configuration, read in one pass, so that
	 * registering many plugins costs one listing rather than one check per plugin.
	 * @return the ids
	 * @throws java.io.UncheckedIOException when the store cannot be listed
	 */
	Set<String> ids();

	/**
	 * The longest a save or delete waits for another writer of the same plugin before it
	 * fails with {@link PluginConfigBusyException} ({@code plugins.lock-timeout}). A
	 * registry waits no longer for its own writers of a plugin.
	 * @return the timeout; {@link FileSystemPluginConfigStore#DEFAULT_LOCK_TIMEOUT} unless
	 * the store has one of its own
	 */
	default Duration getLockTimeout() {
		return FileSystemPluginConfigStore.DEFAULT_LOCK_TIMEOUT;
	}

	/**
	 * Reads a plugin's configuration with its revision.
	 * @param uniqueId the plugin's unique id
	 * @return the configuration and revision, or empty when none is saved
	 * @throws IllegalArgumentException when the id is illegal
	 * @throws PluginConfigException when the stored configuration is corrupt
	 * @throws java.io.UncheckedIOException when it cannot be read
	 */
	default Optional<StoredPluginConfig> loadStored(String uniqueId) {
		return load(uniqueId).map((config) -> new StoredPluginConfig(config, ConfigJson.revisionOf(config)));
	}

	/**
	 * Saves a plugin's configuration atomically, if what is stored meets an expectation.
	 * @param uniqueId the plugin's unique id
	 * @param config a JSON object, as for {@link #save(String, Map)}
	 * @param expected what must be stored for the save to go ahead
	 * @return the new revision
	 * @throws PluginConfigConflictException when what is stored does not meet the
	 * expectation; nothing is written
	 * @throws IllegalArgumentException as {@link #save(String, Map)} does
	 * @throws java.io.UncheckedIOException as {@link #save(String, Map)} does
	 */
	default String save(String uniqueId, Map<String, Object> config, ExpectedRevision expected) {
		// One plugin's check and write take turns in this JVM; other plugins never wait for them.
		try (KeyedLocks.Held held = DefaultRevisionChecks.LOCKS.lock(DefaultRevisionChecks.key(this, uniqueId))) {
			if (!expected.isAny()) {
				String stored = loadStored(uniqueId).map(StoredPluginConfig::revision).orElse(null);
				if (!expected.matches(stored)) {
					throw new PluginConfigConflictException(uniqueId, expected, stored);
				}
			}
			save(uniqueId, config);
			return ConfigJson.revisionOf(config);
		}
	}

	/**
	 * A plugin's configuration history: the last revisions stored, deletions included,
	 * newest first. The revision stored now, if any, is the first entry, also when it was
	 * written outside this library.
	 * @param uniqueId the plugin's unique id
	 * @return the entries, newest first; empty when the store keeps no history
	 * @throws IllegalArgumentException when the id is illegal
	 * @throws java.io.UncheckedIOException when the history cannot be read
	 */
	default List<ConfigRevision> history(String uniqueId) {
		PluginIds.requireValid(uniqueId, "unique id");
		return List.of();
	}

	/**
	 * Reads a configuration as it was stored at a revision of its {@link #history}.
	 * @param uniqueId the plugin's unique id
	 * @param revision a revision of the history
	 * @return the configuration and that revision; empty when the history has no such
	 * revision, or it is a deletion
	 * @throws IllegalArgumentException when the id is illegal
	 * @throws PluginConfigException when what is kept of that revision is corrupt
	 * @throws java.io.UncheckedIOException when it cannot be read
	 */
	default Optional<StoredPluginConfig> loadRevision(String uniqueId, String revision) {
		PluginIds.requireValid(uniqueId, "unique id");
		return Optional.empty();
	}

	/**
	 * The revision of every stored configuration, read in one pass: how a registry notices
	 * changes made elsewhere. A configuration that cannot be read has a revision too, so
	 * that replacing it is noticed.
	 * @return the revisions by unique id
	 * @throws java.io.UncheckedIOException when the store cannot be read
	 */
	default Map<String, String> revisions() {
		Map<String, String> revisions = new HashMap<>();
		for (String id : ids()) {
			try {
				loadStored(id).ifPresent((stored) -> revisions.put(id, stored.revision()));
			}
			catch (PluginConfigException ex) {
				revisions.put(id, "unreadable");
			}
		}
		return Map.copyOf(revisions);
	}

	/**
	 * Asks to be told when a configuration may have been changed outside this store
	 * object, as soon as the store can tell (a file system's events, a database's
	 * notifications). Calls may come when nothing changed; changes may also go unreported,
	 * so a registry also compares {@link #revisions()} now and then.
	 * @param onChange called, from a thread of the store's, when something may have changed
	 * @return what stops the watching; closing it twice does nothing
	 */
	default AutoCloseable watch(Runnable onChange) {
		return () -> {
		};
	}

}
