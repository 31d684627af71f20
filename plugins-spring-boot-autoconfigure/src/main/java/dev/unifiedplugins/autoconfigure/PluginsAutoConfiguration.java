package dev.unifiedplugins.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;

import dev.unifiedplugins.concurrent.BoundedCalls;
import dev.unifiedplugins.config.FileSystemPluginConfigStore;
import dev.unifiedplugins.config.PluginConfigStore;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.cost.CloudCostGuard;
import dev.unifiedplugins.inspection.PluginInspector;
import dev.unifiedplugins.lifecycle.CloudResourceTerminations;
import dev.unifiedplugins.lifecycle.ManagedProcessTracker;
import dev.unifiedplugins.lifecycle.PluginConfigChangePublisher;
import dev.unifiedplugins.lifecycle.PluginsShutdownLifecycle;
import dev.unifiedplugins.observation.PluginCallObserver;
import dev.unifiedplugins.registration.PluginManagerRegistrar;
import dev.unifiedplugins.registration.PluginSystemsLoader;
import dev.unifiedplugins.registration.PluginSystemsRegistrar;
import dev.unifiedplugins.shutdown.ManagedProcessLedger;
import dev.unifiedplugins.shutdown.PluginShutdown;
import dev.unifiedplugins.watch.PluginConfigWatcher;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.LazyInitializationExcludeFilter;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.util.ClassUtils;
import org.springframework.util.unit.DataSize;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * for the {@link UnifiedPluginRegistry}: a config store under {@code plugins.config-dir},
 * the registry, the registration of every
 * {@link dev.unifiedplugins.core.PluginManager PluginManager} bean, and cleanup of plugin
 * resources at shutdown. Plugin systems declared under {@code plugins.systems} become
 * ready-made managers whose plugins a {@link dev.unifiedplugins.systems.PluginLifecycle}
 * loads.
 */
@AutoConfiguration(afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnBooleanProperty(name = "plugins.enabled", matchIfMissing = true)
@EnableConfigurationProperties({ PluginsProperties.class, PluginsShutdownProperties.class })
@Import({ JdbcStoreConfiguration.class, PluginsAutoConfiguration.JdbcStoreUnavailableConfiguration.class,
		PluginSystemsConfiguration.class })
public final class PluginsAutoConfiguration {

	private static final Log logger = LogFactory.getLog(PluginsAutoConfiguration.class);

	/** {@code plugins.max-config-size} in bytes, checked for every store. */
	static long maxConfigSize(PluginsProperties properties) {
		DataSize maxConfigSize = properties.getMaxConfigSize();
		if (maxConfigSize == null || maxConfigSize.toBytes() < 1
				|| maxConfigSize.toBytes() > FileSystemPluginConfigStore.MAX_CONFIG_SIZE_LIMIT) {
			throw new InvalidConfigurationPropertyValueException("plugins.max-config-size", maxConfigSize,
					"must be more than 0B and at most 1GB");
		}
		return maxConfigSize.toBytes();
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnProperty(name = "plugins.store-type", havingValue = "file", matchIfMissing = true)
	PluginConfigStore pluginConfigStore(PluginsProperties properties) {
		Path dir = properties.getConfigDir().toAbsolutePath().normalize();
		long maxConfigSize = maxConfigSize(properties);
		logger.info("Plugin configurations are kept in " + dir);
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(dir, maxConfigSize,
				requirePositive(properties.getLockTimeout(), "plugins.lock-timeout"));
		store.setHistorySize(historySize(properties));
		return store;
	}

	/** {@code plugins.history.size}, checked for every store. */
	static int historySize(PluginsProperties properties) {
		int size = properties.getHistory().getSize();
		if (size < 0) {
			throw new InvalidConfigurationPropertyValueException("plugins.history.size", size,
					"must be 0 (no history) or more");
		}
		return size;
	}

	@Bean
	@ConditionalOnMissingBean
	UnifiedPluginRegistry unifiedPluginRegistry(PluginConfigStore pluginConfigStore, PluginsProperties properties) {
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(pluginConfigStore);
		registry.setValidationEnabled(properties.getValidation().isEnabled());
		return registry;
	}

	@Bean
	@ConditionalOnMissingBean
	PluginManagerRegistrar pluginManagerRegistrar(UnifiedPluginRegistry registry, ListableBeanFactory beanFactory,
			PluginsProperties properties) {
		return new PluginManagerRegistrar(registry, beanFactory, (category) -> displayName(properties, category),
				properties.isAutoDiscover());
	}

	/** {@code plugins.categories.<category>.display-name}, or null when it is not set. */
	private static @Nullable String displayName(PluginsProperties properties, String category) {
		PluginsProperties.Category settings = properties.getCategories().get(category);
		return (settings != null) ? settings.getDisplayName() : null;
	}

	/**
	 * Keeps the beans that act at start and shutdown eager under
	 * {@code spring.main.lazy-initialization=true}: nothing depends on them, so lazily they
	 * would never be created, leaving no categories and no cleanup.
	 */
	@Bean
	static LazyInitializationExcludeFilter pluginsLazyInitializationExcludeFilter() {
		return LazyInitializationExcludeFilter.forBeanTypes(PluginManagerRegistrar.class,
				PluginsShutdownLifecycle.class, ManagedProcessTracker.class, PluginConfigWatcher.class,
				PluginConfigChangePublisher.class, PluginSystemsRegistrar.class, PluginSystemsLoader.class);
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	BoundedCalls pluginCalls() {
		return new BoundedCalls("plugins-call-", 32);
	}

	@Bean
	@ConditionalOnMissingBean
	PluginInspector pluginInspector(UnifiedPluginRegistry registry, BoundedCalls pluginCalls,
			PluginsProperties properties) {
		return new PluginInspector(registry, pluginCalls,
				requirePositive(properties.getResourceTimeout(), "plugins.resource-timeout"));
	}

	@Bean
	@ConditionalOnMissingBean
	PluginsShutdownLifecycle pluginsShutdownLifecycle(UnifiedPluginRegistry registry, BoundedCalls pluginCalls,
			PluginsProperties properties, PluginsShutdownProperties shutdown, ObjectProvider<CloudCostGuard> cloudCostGuard,
			ApplicationEventPublisher publisher, ObjectProvider<PluginCallObserver> pluginCallObserver) {
		Duration timeout = requirePositive(shutdown.getTimeout(), "plugins.shutdown.timeout");
		PluginShutdown pluginShutdown = new PluginShutdown(registry, pluginCalls, timeout,
				new CloudResourceTerminations(cloudCostGuard, publisher));
		pluginCallObserver.ifAvailable(pluginShutdown::setObserver);
		pluginShutdown.setBeforeTerminateTimeout(beforeTerminateTimeout(properties));
		return new PluginsShutdownLifecycle(pluginShutdown, shutdown.isCleanup(), shutdown.isTerminateCloudResources());
	}

	@Bean
	@ConditionalOnMissingBean
	ManagedProcessTracker managedProcessTracker(PluginInspector pluginInspector, PluginConfigStore pluginConfigStore,
			PluginsProperties properties, PluginsShutdownProperties shutdown) {
		Duration interval = requirePositive(shutdown.getTrackInterval(), "plugins.shutdown.track-interval");
		ManagedProcessLedger ledger = ManagedProcessLedger.forStore(pluginConfigStore, properties.getConfigDir());
		return new ManagedProcessTracker(ledger, pluginInspector, interval, shutdown.isReapOrphans());
	}

	/**
	 * The JDBC store's safety re-read: it reports changes itself, by PostgreSQL's notices or
	 * by polling at {@code plugins.jdbc.poll-interval} where there are none
	 * ({@code JdbcPluginConfigStore.SAFETY_REREAD_INTERVAL}, not referenced: plugins-jdbc is optional).
	 */
	static final Duration JDBC_SAFETY_REREAD_INTERVAL = Duration.ofSeconds(30);

	/** One watcher for every store; how often it compares all revisions depends on the store type. */
	@Bean(initMethod = "start", destroyMethod = "close")
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "plugins.watch.enabled", matchIfMissing = true)
	PluginConfigWatcher pluginConfigWatcher(UnifiedPluginRegistry registry, PluginsProperties properties) {
		Duration rescan = (properties.getStoreType() == PluginsProperties.StoreType.JDBC) ? JDBC_SAFETY_REREAD_INTERVAL
				: requirePositive(properties.getWatch().getRescanInterval(), "plugins.watch.rescan-interval");
		return new PluginConfigWatcher(registry, rescan);
	}

	@Bean
	@ConditionalOnMissingBean
	PluginConfigChangePublisher pluginConfigChangePublisher(UnifiedPluginRegistry registry,
			ApplicationEventPublisher publisher) {
		return new PluginConfigChangePublisher(registry, publisher);
	}

	/**
	 * Fails the start with Boot's "APPLICATION FAILED TO START" report naming the property,
	 * rather than a bean creation stack trace.
	 */
	static Duration requirePositive(Duration duration, String property) {
		if (duration == null || duration.isNegative() || duration.isZero()) {
			throw new InvalidConfigurationPropertyValueException(property, duration, "must be a positive duration");
		}
		return duration;
	}

	/** {@return {@code plugins.cloud.before-terminate-timeout}, checked} */
	static Duration beforeTerminateTimeout(PluginsProperties properties) {
		return requirePositive(properties.getCloud().getBeforeTerminateTimeout(),
				"plugins.cloud.before-terminate-timeout");
	}

	/**
	 * {@code plugins.store-type=jdbc} without Spring Boot's JDBC module or without
	 * {@code dev.unifiedplugins:plugins-jdbc}: a start that names the property and what to
	 * add, rather than a missing {@link PluginConfigStore}.
	 */
	@Configuration(proxyBeanMethods = false)
	@Conditional(JdbcStoreUnavailableConfiguration.JdbcStoreUnavailable.class)
	@ConditionalOnProperty(name = "plugins.store-type", havingValue = "jdbc")
	static class JdbcStoreUnavailableConfiguration {

		@Bean
		@ConditionalOnMissingBean
		PluginConfigStore pluginConfigStore(ApplicationContext context) {
			if (!ClassUtils.isPresent(JdbcStoreConfiguration.STORE_CLASS, context.getClassLoader())) {
				throw new InvalidConfigurationPropertyValueException("plugins.store-type", "jdbc",
						"The JDBC store is in a module of its own: add the dependency dev.unifiedplugins:plugins-jdbc"
								+ " (and spring-boot-starter-jdbc and the database's driver)");
			}
			throw new InvalidConfigurationPropertyValueException("plugins.store-type", "jdbc",
					"The JDBC store needs Spring Boot's JDBC support on the class path: add spring-boot-starter-jdbc");
		}

		/** Either of the two modules the JDBC store needs is missing. */
		static final class JdbcStoreUnavailable extends AnyNestedCondition {

			JdbcStoreUnavailable() {
				super(ConfigurationPhase.PARSE_CONFIGURATION);
			}

			@ConditionalOnMissingClass("org.springframework.boot.jdbc.init.DatabaseInitializationProperties")
			static final class WithoutBootJdbc {

			}

			@ConditionalOnMissingClass(JdbcStoreConfiguration.STORE_CLASS)
			static final class WithoutPluginsJdbc {

			}

		}

	}

}
