package dev.unifiedplugins.config;

import java.util.List;
import java.util.Objects;

/**
 * What a dry run of a save found, once the configuration passed every check: see
 * {@link dev.unifiedplugins.core.UnifiedPluginRegistry#dryRunPluginConfig}.
 *
 * @param changes what the save would change in the effective configuration (saved values
 * over the schema's defaults), as {@link ConfigChanges#between} lists them: a value saved
 * equal to its default is no change
 * @param savedChanges what the save would change in the saved configuration itself,
 * without defaults, as {@link ConfigChanges#betweenSaved} lists them: where nothing is
 * saved yet, every value the save would store; empty exactly when the save would store
 * the values stored now
 */
public record ConfigCheck(List<ConfigChange> changes, List<ConfigChange> savedChanges) {

	public ConfigCheck {
		changes = List.copyOf(Objects.requireNonNull(changes, "changes must not be null"));
		savedChanges = List.copyOf(Objects.requireNonNull(savedChanges, "savedChanges must not be null"));
	}

}
