package dev.unifiedplugins.registration;

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
public class PluginSystemsLoader implements SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(PluginSystemsLoader.class);

	private final UnifiedPluginRegistry registry;

	private final PluginLifecycle lifecycle;

	private final Map<String, PluginSystemDeclaration> systems;

	/**
	 * Creates a loader.
	 * @param registry where the categories are registered
	 * @param lifecycle what loads their plugins
	 * @param systems the declared plugin systems by category
	 */
	public PluginSystemsLoader(UnifiedPluginRegistry registry, PluginLifecycle lifecycle,
			Map<String, PluginSystemDeclaration> systems) {
		this.registry = registry;
		this.lifecycle = lifecycle;
		this.systems = systems;
	}

	@Override
	public void afterSingletonsInstantiated() {
		this.systems.forEach((category, system) -> {
			if (!system.loadOnStart()) {
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
