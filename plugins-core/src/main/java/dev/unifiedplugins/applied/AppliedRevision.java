package dev.unifiedplugins.applied;

import java.time.Instant;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * What one instance made of a plugin's configuration the last time it loaded or reloaded
 * the plugin.
 *
 * @param revision the revision of the stored configuration that load read: the one the
 * instance applied, or failed to apply when {@code error} is set; null when no
 * configuration was stored (the schema's defaults)
 * @param at when the instance recorded it (with a shared store, the database's clock)
 * @param error why that load or reload failed, the previous instance staying loaded; null
 * when it succeeded
 */
public record AppliedRevision(@Nullable String revision, Instant at, @Nullable String error) {

	public AppliedRevision {
		Objects.requireNonNull(at, "at must not be null");
	}

	/** {@return whether the load or reload failed} */
	public boolean failed() {
		return this.error != null;
	}

}
