package dev.unifiedplugins.registration;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.unifiedplugins.systems.JarDirectoryPluginManager;
import dev.unifiedplugins.systems.PluginSystemManager;
import dev.unifiedplugins.systems.ServiceLoaderPluginManager;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Creates a ready-made plugin manager for each {@code plugins.systems.<category>} with a
 * {@code type} and registers it as that category: beans of the type, the class path's
 * service providers ({@code service-loader=true}), or a directory of JARs
 * ({@code directory}). The managers are not beans: they are created from the properties
 * at run time, so an AOT-processed application reads them at start like any other, and
 * they are reached through {@code UnifiedPluginRegistry.getManager(category)}. The JAR
 * class loaders are closed with the context.
 */
public class PluginSystemsRegistrar implements InitializingBean, DisposableBean {

	private static final Log logger = LogFactory.getLog(PluginSystemsRegistrar.class);

	private static final String PREFIX = "plugins.systems.";

	private final PluginManagerRegistrar registrar;

	private final Map<String, PluginSystemDeclaration> systems;

	private final ListableBeanFactory beanFactory;

	private final ClassLoader classLoader;

	private final List<AutoCloseable> closeables = new ArrayList<>();

	/**
	 * Creates a registrar.
	 * @param registrar registers the managers it creates
	 * @param systems the declared plugin systems by category
	 * @param beanFactory where the plugin beans of a type are
	 * @param classLoader the parent of the plugins' class loaders
	 */
	public PluginSystemsRegistrar(PluginManagerRegistrar registrar, Map<String, PluginSystemDeclaration> systems,
			ListableBeanFactory beanFactory, ClassLoader classLoader) {
		this.registrar = registrar;
		this.systems = systems;
		this.beanFactory = beanFactory;
		this.classLoader = classLoader;
	}

	@Override
	public void afterPropertiesSet() {
		this.systems.forEach((category, system) -> {
			PluginSystemManager<?> manager = create(category, system);
			if (manager != null) {
				this.registrar.register(category, "property " + PREFIX + category, manager);
			}
		});
	}

	private @Nullable PluginSystemManager<?> create(String category, PluginSystemDeclaration system) {
		Class<?> type = system.type();
		if (type == null) {
			if (system.serviceLoader() || system.directory() != null) {
				throw new InvalidConfigurationPropertyValueException(PREFIX + category + ".type", null,
						"is required with service-loader or directory: the interface the plugins implement");
			}
			return null;
		}
		String declared = this.registrar.declaredBy(category);
		if (declared != null) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + category + ".type", type.getName(),
					"category '" + category + "' is already declared by " + declared + ", which this would silently"
							+ " replace; use another key under plugins.systems, or give the other manager another category");
		}
		if (system.serviceLoader() && system.directory() != null) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + category + ".directory",
					system.directory(), "cannot be combined with service-loader=true; declare one source per category");
		}
		PluginSystemManager<?> manager = create(type, system.serviceLoader(), system.directory());
		manager.setCategory(category);
		return manager;
	}

	private <T> PluginSystemManager<T> create(Class<T> type, boolean serviceLoader, @Nullable Path directory) {
		if (directory != null) {
			JarDirectoryPluginManager<T> manager = new JarDirectoryPluginManager<>(type,
					directory.toAbsolutePath().normalize(), this.classLoader);
			this.closeables.add(manager);
			return manager;
		}
		return serviceLoader ? new ServiceLoaderPluginManager<>(type, this.classLoader)
				: new BeanPluginManager<>(this.beanFactory, type);
	}

	@Override
	public void destroy() {
		for (AutoCloseable closeable : this.closeables) {
			try {
				closeable.close();
			}
			catch (Exception ex) {
				logger.warn("Could not close " + closeable, ex);
			}
		}
	}

}
