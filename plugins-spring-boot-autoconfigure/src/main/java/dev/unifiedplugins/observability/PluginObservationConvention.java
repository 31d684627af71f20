package dev.unifiedplugins.observability;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * The convention of the observations of plugin operations. Define a bean of this type to
 * replace {@link DefaultPluginObservationConvention}; a convention whose
 * {@link #getName()} is null keeps the operation's name.
 */
public interface PluginObservationConvention extends ObservationConvention<PluginObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof PluginObservationContext;
	}

}
