package dev.unifiedplugins.config;

import java.time.Instant;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * One entry of a plugin's configuration history: a revision that was stored, or a
 * deletion, with when and by whom it was written. See {@link PluginConfigStore#history}.
 *
 * @param revision the revision as a save returned it and the detail view showed it; for a
 * deletion, the store's name for that deletion
 * @param writtenAt when it was written: the database's clock for the JDBC store, the
 * writer's for the file store
 * @param writtenBy the instance that wrote it, or null when the store cannot tell (a change
 * made outside this library, such as by the Python library or a person)
 * @param deleted whether this entry is a deletion, which has no configuration
 */
public record ConfigRevision(String revision, Instant writtenAt, @Nullable String writtenBy, boolean deleted) {

	public ConfigRevision {
		Objects.requireNonNull(revision, "revision must not be null");
		Objects.requireNonNull(writtenAt, "writtenAt must not be null");
	}

}
