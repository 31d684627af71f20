package dev.unifiedplugins.autoconfigure;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Plugin systems declared by properties: {@code plugins.systems.<category>.*}. Each entry
 * with a {@code type} becomes a ready-made plugin manager registered as that category.
 */
@ConfigurationProperties("plugins")
public class PluginSystemsProperties {

	/**
	 * Plugin systems by category: the plugin interface (type), where its implementations
	 * are found (beans, service-loader, directory), whether to load them at start
	 * (load-on-start) and whether to follow changes of their directory (watch).
	 */
	private Map<String, PluginSystem> systems = new LinkedHashMap<>();

	public Map<String, PluginSystem> getSystems() {
		return this.systems;
	}

	public void setSystems(Map<String, PluginSystem> systems) {
		this.systems = systems;
	}

	/**
	 * One plugin system.
	 */
	public static class PluginSystem {

		/**
		 * Interface the category's plugins implement. Its beans are the plugins, unless
		 * service-loader or directory is set.
		 */
		private @Nullable Class<?> type;

		/**
		 * Whether the plugins are the implementations listed in META-INF/services on the
		 * class path, rather than beans.
		 */
		private boolean serviceLoader;

		/**
		 * Directory of plugin JARs, each with its own class loader, its implementations
		 * listed in its META-INF/services. A JAR added later is found at the next start,
		 * PluginLifecycle.rescan(category), or by itself with watch.
		 */
		private @Nullable Path directory;

		/**
		 * Whether to load every plugin of the category when the application starts. Works
		 * for hand-written PluginSystemManager beans too.
		 */
		private boolean loadOnStart;

		/**
		 * Whether the directory of JARs is watched: a JAR added, replaced or removed is
		 * rescanned by itself once the directory has been still for a moment, and a
		 * replaced JAR's loaded plugins are reloaded from it with their saved
		 * configuration. Needs directory (or a JarDirectoryPluginManager bean). Besides the
		 * file system's events, the directory is compared every
		 * plugins.watch.rescan-interval.
		 */
		private boolean watch;

		public @Nullable Class<?> getType() {
			return this.type;
		}

		public void setType(@Nullable Class<?> type) {
			this.type = type;
		}

		public boolean isServiceLoader() {
			return this.serviceLoader;
		}

		public void setServiceLoader(boolean serviceLoader) {
			this.serviceLoader = serviceLoader;
		}

		public @Nullable Path getDirectory() {
			return this.directory;
		}

		public void setDirectory(@Nullable Path directory) {
			this.directory = directory;
		}

		public boolean isLoadOnStart() {
			return this.loadOnStart;
		}

		public void setLoadOnStart(boolean loadOnStart) {
			this.loadOnStart = loadOnStart;
		}

		public boolean isWatch() {
			return this.watch;
		}

		public void setWatch(boolean watch) {
			this.watch = watch;
		}

	}

}
