package dev.unifiedplugins.observability;

import java.util.function.Supplier;

import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.cost.CloudCostGuard;
import dev.unifiedplugins.inspection.PluginInspector;
import dev.unifiedplugins.observation.PluginCallObserver;
import dev.unifiedplugins.systems.PluginLifecycle;

import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Sets the {@link PluginCallObserver} on the registry, the lifecycle, the cost guard and the
 * inspector (resource and cost calls) as
 * they are created, before any plugin is loaded.
 */
public class PluginCallObserverPostProcessor implements BeanPostProcessor {

	private final Supplier<PluginCallObserver> observer;

	/**
	 * Creates the post-processor.
	 * @param observer the observer, asked for when the first bean needs it
	 */
	public PluginCallObserverPostProcessor(Supplier<PluginCallObserver> observer) {
		this.observer = observer;
	}

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) {
		if (bean instanceof UnifiedPluginRegistry registry) {
			registry.setObserver(this.observer.get());
		}
		else if (bean instanceof PluginLifecycle lifecycle) {
			lifecycle.setObserver(this.observer.get());
		}
		else if (bean instanceof CloudCostGuard guard) {
			guard.setObserver(this.observer.get());
		}
		else if (bean instanceof PluginInspector inspector) {
			inspector.setObserver(this.observer.get());
		}
		return bean;
	}

}
