package dev.unifiedplugins.autoconfigure;

import dev.unifiedplugins.observability.ObservationPluginCallObserver;
import dev.unifiedplugins.observability.PluginCallObserverPostProcessor;
import dev.unifiedplugins.observability.PluginObservationConvention;
import dev.unifiedplugins.observation.PluginCallObserver;
import io.micrometer.observation.ObservationRegistry;
import org.slf4j.MDC;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * of the observations of plugin operations ({@code plugins.load}, {@code plugins.reload},
 * {@code plugins.unload}, {@code plugins.cleanup}, {@code plugins.config.save},
 * {@code plugins.cloud.terminate}, {@code plugins.cloud.before-terminate}) through the application's {@link ObservationRegistry},
 * none when it has none, and of the SLF4J MDC keys {@code plugin.id} and
 * {@code plugin.category} around every call into plugin code.
 */
@AutoConfiguration(
		afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnBooleanProperty(name = "plugins.enabled", matchIfMissing = true)
@ConditionalOnClass({ ObservationRegistry.class, MDC.class })
public final class PluginsObservationAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	PluginCallObserver pluginCallObserver(ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<PluginObservationConvention> convention) {
		return new ObservationPluginCallObserver(observationRegistry.getIfAvailable(() -> ObservationRegistry.NOOP),
				convention.getIfUnique());
	}

	@Bean
	static PluginCallObserverPostProcessor pluginCallObserverPostProcessor(
			ObjectProvider<PluginCallObserver> pluginCallObserver) {
		return new PluginCallObserverPostProcessor(
				() -> pluginCallObserver.getIfAvailable(() -> PluginCallObserver.NONE));
	}

}
