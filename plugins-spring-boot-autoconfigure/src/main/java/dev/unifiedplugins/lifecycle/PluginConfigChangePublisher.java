package dev.unifiedplugins.lifecycle;

import java.util.function.Consumer;

import dev.unifiedplugins.config.PluginConfigChange;
import dev.unifiedplugins.core.UnifiedPluginRegistry;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Publishes every {@link PluginConfigChange} of the registry as an application event, so
 * that a bean reloads its settings with
 * {@code @EventListener void on(PluginConfigChange change)}.
 */
public class PluginConfigChangePublisher implements Consumer<PluginConfigChange>, DisposableBean {

	private final UnifiedPluginRegistry registry;

	private final ApplicationEventPublisher publisher;

	/**
	 * Creates the publisher and listens to the registry.
	 * @param registry the registry whose changes to publish
	 * @param publisher where to publish them
	 */
	public PluginConfigChangePublisher(UnifiedPluginRegistry registry, ApplicationEventPublisher publisher) {
		this.registry = registry;
		this.publisher = publisher;
		registry.addChangeListener(this);
	}

	@Override
	public void accept(PluginConfigChange change) {
		this.publisher.publishEvent(change);
	}

	@Override
	public void destroy() {
		this.registry.removeChangeListener(this);
	}

}
