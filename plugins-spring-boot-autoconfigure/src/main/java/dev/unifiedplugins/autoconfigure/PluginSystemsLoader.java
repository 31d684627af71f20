package dev.unifiedplugins.autoconfigure;

import java.util.Map;

import dev.unifiedplugins.core.PluginManager;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.systems.PluginLifecycle;
import dev.unifiedplugins.systems.PluginSystemManager;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Loads the plugins of every category with {@code plugins.systems.<category>.load-on-start}
 * once all singletons exist, so after the managers are registered. A plugin that fails to
 * load is logged and shown in the endpoint; the application starts.
 */
class PluginSystemsLoader implements SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(PluginSystemsLoader.class);

	private final UnifiedPluginRegistry registry;

	private final PluginLifecycle lifecycle;

	private final PluginSystemsProperties properties;

	PluginSystemsLoader(UnifiedPluginRegistry registry, PluginLifecycle lifecycle, PluginSystemsProperties properties) {
		this.registry = registry;
		this.lifecycle = lifecycle;
		this.properties = properties;
	}

	@Override
	public void afterSingletonsInstantiated() {
		this.properties.getSystems().forEach((category, system) -> {
			if (!system.isLoadOnStart()) {
				return;
			}
			PluginManager manager = this.registry.getManager(category).orElse(null);
			if (!(manager instanceof PluginSystemManager<?>)) {
				logger.warn("plugins.systems." + category + ".load-on-start is set, but category '" + category + "' "
						+ ((manager != null) ? "has a hand-written manager, which loads its own plugins"
								: "is not registered"));
				return;
			}
			Map<String, String> errors = this.lifecycle.loadAll(category);
			logger.info("Loaded the plugins of category '" + category + "'"
					+ (errors.isEmpty() ? "" : "; failed: " + errors.keySet()));
		});
	}

}
