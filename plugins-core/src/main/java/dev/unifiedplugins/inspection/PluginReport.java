package dev.unifiedplugins.inspection;

import java.util.Map;
import java.util.Objects;

import dev.unifiedplugins.core.PluginMetadata;
import org.jspecify.annotations.Nullable;

/**
 * What an inspection found for one plugin.
 *
 * @param uniqueId the plugin's unique id, built once per inspection: the endpoint looks
 * plugins up by it several times per request, and at 1,000 plugins building it each time
 * was a measurable share of {@code /actuator/plugins} (BENCHMARKS.md)
 * @param metadata the metadata with live resources, or as registered when the instance
 * could not be asked
 * @param cost the estimated cost in USD for the inspection's hours, or null when the
 * plugin holds no running cloud resource
 * @param hourlyCost the estimated cost in USD for one hour, or null likewise
 * @param managedResources what a lifecycle-aware instance reports it manages, empty when
 * not asked or not lifecycle-aware
 * @param error why the instance could not be asked, or null
 */
public record PluginReport(String uniqueId, PluginMetadata metadata, @Nullable Double cost,
		@Nullable Double hourlyCost, Map<String, Object> managedResources, @Nullable String error) {

	public PluginReport {
		Objects.requireNonNull(uniqueId, "uniqueId must not be null");
		Objects.requireNonNull(metadata, "metadata must not be null");
		managedResources = (managedResources != null) ? managedResources : Map.of();
	}

	static PluginReport failed(String uniqueId, PluginMetadata metadata, String error) {
		return new PluginReport(uniqueId, metadata, null, null, Map.of(), error);
	}

}
