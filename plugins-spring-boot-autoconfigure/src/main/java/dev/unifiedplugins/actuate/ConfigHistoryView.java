package dev.unifiedplugins.actuate;

import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.unifiedplugins.actuate.PluginsEndpointWebExtension.MessageDescriptor;
import dev.unifiedplugins.actuate.PluginsEndpointWebExtension.RevisionDescriptor;
import dev.unifiedplugins.actuate.PluginsEndpointWebExtension.RevisionDetailDescriptor;
import dev.unifiedplugins.actuate.PluginsEndpointWebExtension.RevisionsDescriptor;
import dev.unifiedplugins.config.ConfigChange;
import dev.unifiedplugins.config.ConfigChanges;
import dev.unifiedplugins.config.ConfigRevision;
import dev.unifiedplugins.config.PluginConfigException;
import dev.unifiedplugins.config.PluginConfigRevisionNotFoundException;
import dev.unifiedplugins.config.PluginConfigSchema;
import dev.unifiedplugins.config.StoredPluginConfig;
import dev.unifiedplugins.core.PluginMetadata;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * The answers of the {@code plugins} endpoint's history operations: a plugin's revisions,
 * and one revision's configuration, masked as the detail view masks the current one, with
 * what restoring it would change.
 */
final class ConfigHistoryView {

	private final UnifiedPluginRegistry registry;

	private final PluginsEndpoint endpoint;

	ConfigHistoryView(UnifiedPluginRegistry registry, PluginsEndpoint endpoint) {
		this.registry = registry;
		this.endpoint = endpoint;
	}

	/** A plugin's revisions, newest first; a 503 when the history cannot be read. */
	WebEndpointResponse<Object> revisions(String uniqueId) {
		try {
			return new WebEndpointResponse<>(new RevisionsDescriptor(
					this.registry.getConfigHistory(uniqueId).stream().map(ConfigHistoryView::describe).toList()));
		}
		catch (UncheckedIOException ex) {
			return WriteFailures.storeFailedToRead("read the history of", uniqueId, ex);
		}
	}

	/**
	 * One revision; a 404 when the history has no such revision, a 503 when it cannot be
	 * read.
	 */
	WebEndpointResponse<Object> revision(String uniqueId, String revision, SecurityContext securityContext) {
		RevisionDetailDescriptor detail;
		try {
			detail = describe(uniqueId, revision, securityContext);
		}
		catch (UncheckedIOException ex) {
			return WriteFailures.storeFailedToRead("read the history of", uniqueId, ex);
		}
		return (detail != null) ? new WebEndpointResponse<>(detail) : new WebEndpointResponse<>(
				new MessageDescriptor(new PluginConfigRevisionNotFoundException(uniqueId, revision).getMessage()),
				WebEndpointResponse.STATUS_NOT_FOUND);
	}

	/**
	 * One revision with its configuration as it was stored (no defaults: those of the
	 * schema of now would not be the ones it had), null for a deletion.
	 * @return the revision, or null when the history has no such revision
	 */
	private @Nullable RevisionDetailDescriptor describe(String uniqueId, String revision,
			SecurityContext securityContext) {
		Optional<ConfigRevision> entry = this.registry.getConfigHistory(uniqueId)
			.stream()
			.filter((candidate) -> candidate.revision().equals(revision))
			.findFirst();
		if (entry.isEmpty()) {
			return null;
		}
		if (entry.get().deleted()) {
			return new RevisionDetailDescriptor(describe(entry.get()), null, null);
		}
		StoredPluginConfig stored = this.registry.loadPluginConfigRevision(uniqueId, revision).orElse(null);
		if (stored == null) {
			return null; // removed from the history since it was listed
		}
		Map<String, Object> schema = this.registry.getRegisteredPlugin(uniqueId)
			.map(PluginMetadata::configSchema)
			.orElse(Map.of());
		List<ConfigChange> changes = restoreChanges(uniqueId, stored.config(), schema);
		return new RevisionDetailDescriptor(describe(entry.get()),
				this.endpoint.shownConfig(stored.config(), schema, securityContext),
				(changes != null) ? this.endpoint.shownChanges(uniqueId, changes, securityContext) : null);
	}

	/**
	 * What restoring a revision would change, compared here with the real values: a client
	 * comparing the masked ones could not tell two hidden values apart.
	 * @return the changes, or null when the current configuration cannot be read
	 */
	private @Nullable List<ConfigChange> restoreChanges(String uniqueId, Map<String, Object> restored,
			Map<String, Object> schema) {
		Map<String, Object> current;
		try {
			current = this.registry.loadPluginConfig(uniqueId);
		}
		catch (PluginConfigException | UncheckedIOException ex) {
			// Corrupt, or the store went away since the revision was read: shown without the comparison.
			return null;
		}
		PluginConfigSchema defaults = PluginConfigSchema.of(schema);
		return ConfigChanges.between(defaults.withDefaults(current), defaults.withDefaults(restored));
	}

	private static RevisionDescriptor describe(ConfigRevision revision) {
		return new RevisionDescriptor(revision.revision(), revision.writtenAt(), revision.writtenBy(),
				revision.deleted());
	}

}
