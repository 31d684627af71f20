package dev.unifiedplugins.actuate;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.unifiedplugins.applied.AppliedRevision;
import org.jspecify.annotations.Nullable;

/**
 * What one instance applied of a plugin's configuration, as the detail view's
 * {@code applied} shows it.
 *
 * @param revision the revision its last load or reload read: applied, or failed when
 * {@code error} is set; null when no configuration was stored (the defaults)
 * @param at when the instance recorded it (with the JDBC store, the database's clock)
 * @param error why its last load or reload failed, the previous instance staying loaded;
 * null when it succeeded
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record AppliedDescriptor(@Nullable String revision, Instant at, @Nullable String error) {

	static AppliedDescriptor of(AppliedRevision applied) {
		return new AppliedDescriptor(applied.revision(), applied.at(), applied.error());
	}

}
