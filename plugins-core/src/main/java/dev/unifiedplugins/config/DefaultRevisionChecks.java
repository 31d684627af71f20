package dev.unifiedplugins.config;

import dev.unifiedplugins.concurrent.KeyedLocks;

/**
 * The locks of {@link PluginConfigStore#save(String, java.util.Map, ExpectedRevision)}'s
 * default, for stores without revisions of their own: by store object and plugin, so that
 * one plugin's check-then-write never waits for another plugin's. An entry lives only
 * while a save holds or waits for it.
 */
final class DefaultRevisionChecks {

	static final KeyedLocks LOCKS = new KeyedLocks();

	private DefaultRevisionChecks() {
	}

	/** Two stores with the same identity hash share locks: that only makes them take turns. */
	static String key(PluginConfigStore store, String uniqueId) {
		return System.identityHashCode(store) + ":" + uniqueId;
	}

}
