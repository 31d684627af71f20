package dev.unifiedplugins.actuate;

import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;

import dev.unifiedplugins.actuate.PluginsEndpointWebExtension.MessageDescriptor;
import dev.unifiedplugins.actuate.PluginsEndpointWebExtension.RevisionDescriptor;
import dev.unifiedplugins.actuate.PluginsEndpointWebExtension.RevisionDetailDescriptor;
import dev.unifiedplugins.actuate.PluginsEndpointWebExtension.RevisionsDescriptor;
import dev.unifiedplugins.config.ConfigRevision;
import dev.unifiedplugins.config.PluginConfigRevisionNotFoundException;
import dev.unifiedplugins.config.StoredPluginConfig;
import dev.unifiedplugins.core.PluginMetadata;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * The answers of the {@code plugins} endpoint's history operations: a plugin's revisions,
 * and one revision's configuration, masked as the detail view masks the current one.
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
			return new RevisionDetailDescriptor(describe(entry.get()), null);
		}
		StoredPluginConfig stored = this.registry.loadPluginConfigRevision(uniqueId, revision).orElse(null);
		if (stored == null) {
			return null; // removed from the history since it was listed
		}
		Map<String, Object> schema = this.registry.getRegisteredPlugin(uniqueId)
			.map(PluginMetadata::configSchema)
			.orElse(Map.of());
		return new RevisionDetailDescriptor(describe(entry.get()),
				this.endpoint.shownConfig(stored.config(), schema, securityContext));
	}

	private static RevisionDescriptor describe(ConfigRevision revision) {
		return new RevisionDescriptor(revision.revision(), revision.writtenAt(), revision.writtenBy(),
				revision.deleted());
	}

}
