package dev.unifiedplugins.registration;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import dev.unifiedplugins.core.PluginManager;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.systems.JarDirectoryPluginManager;
import dev.unifiedplugins.systems.PluginLifecycle;
import dev.unifiedplugins.systems.PluginSystemManager;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Loads the plugins of every category with {@code plugins.systems.<category>.load-on-start}
 * once all singletons exist, so after the managers are registered, then watches the
 * directory of every category with {@code plugins.systems.<category>.watch}. A plugin that
 * fails to load is logged and shown in the endpoint; the application starts. A watched
 * category whose manager is not a directory of JARs fails the start, naming the property;
 * the watchers stop with the {@link PluginLifecycle}, or with their manager.
 */
public class PluginSystemsLoader implements SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(PluginSystemsLoader.class);

	private final UnifiedPluginRegistry registry;

	private final PluginLifecycle lifecycle;

	private final Map<String, PluginSystemDeclaration> systems;

	private final Duration watchInterval;

	/**
	 * Creates a loader.
	 * @param registry where the categories are registered
	 * @param lifecycle what loads their plugins and watches their directories
	 * @param systems the declared plugin systems by category
	 * @param watchInterval how often a watched directory is compared in full
	 */
	public PluginSystemsLoader(UnifiedPluginRegistry registry, PluginLifecycle lifecycle,
			Map<String, PluginSystemDeclaration> systems, Duration watchInterval) {
		this.registry = registry;
		this.lifecycle = lifecycle;
		this.systems = systems;
		this.watchInterval = watchInterval;
	}

	@Override
	public void afterSingletonsInstantiated() {
		// Every watch is checked before anything is loaded.
		this.systems.forEach((category, system) -> {
			if (system.type() == null && this.registry.getManager(category).isEmpty()) {
				// Boot ignores a misspelt key (plugins.systems.x.typ): say what is missing.
				logger.warn("plugins.systems." + category + " sets no type (the interface its plugins implement), and no"
						+ " bean registers category '" + category + "': it declares nothing");
			}
			if (system.watch()) {
				checkWatchable(category, system);
			}
		});
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
		this.systems.forEach((category, system) -> {
			if (system.watch() && this.registry.getManager(category).isPresent()) {
				Path directory = this.lifecycle.watch(category, this.watchInterval).getDirectory();
				logger.info("Watching " + directory + " for plugin JARs of category '" + category + "'");
			}
		});
	}

	/** A watched category is a directory of JARs; one not registered (its failure is logged) is left out. */
	private void checkWatchable(String category, PluginSystemDeclaration system) {
		PluginManager manager = this.registry.getManager(category).orElse(null);
		if (manager == null) {
			logger.warn("plugins.systems." + category + ".watch is set, but category '" + category
					+ "' is not registered; its directory is not watched");
		}
		else if (!(manager instanceof JarDirectoryPluginManager<?>)) {
			throw new InvalidConfigurationPropertyValueException("plugins.systems." + category + ".watch", true,
					"Only a directory of JARs can be watched: set plugins.systems." + category + ".directory"
							+ ((system.type() == null) ? " (category '" + category + "' has a manager of its own, a "
									+ manager.getClass().getName() + ")" : ""));
		}
	}

}
