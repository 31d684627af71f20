package dev.unifiedplugins.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import javax.sql.DataSource;

import dev.unifiedplugins.config.ExpectedRevision;
import dev.unifiedplugins.config.FileSystemPluginConfigStore;
import dev.unifiedplugins.jdbc.JdbcCloudCostFleet;
import dev.unifiedplugins.jdbc.JdbcPluginConfigStore;
import dev.unifiedplugins.config.PluginConfigConflictException;
import dev.unifiedplugins.config.PluginConfigException;
import dev.unifiedplugins.config.PluginConfigStore;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.cost.CloudCostFleet;
import dev.unifiedplugins.watch.PluginConfigWatcher;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.jdbc.init.PropertiesBasedDataSourceScriptDatabaseInitializer;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The JDBC config store, selected with {@code plugins.store-type=jdbc}: the table on the
 * application's {@link DataSource}, its schema initialization the way Spring Session JDBC
 * does it, the import of an existing config directory, a watcher polling at
 * {@code plugins.jdbc.poll-interval}, and the cloud cost fleet of the instances sharing the
 * database.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = "org.springframework.boot.jdbc.init.DatabaseInitializationProperties")
@ConditionalOnProperty(name = "plugins.store-type", havingValue = "jdbc")
@EnableConfigurationProperties(PluginsJdbcProperties.class)
class JdbcStoreConfiguration {

	private static final Log logger = LogFactory.getLog(JdbcStoreConfiguration.class);

	/** How many check intervals without a heartbeat make the fleet forget an instance. */
	static final int FLEET_DROP_OUT_INTERVALS = 3;

	@Bean
	@ConditionalOnMissingBean
	@DependsOnDatabaseInitialization
	PluginConfigStore pluginConfigStore(ObjectProvider<DataSource> dataSource, PluginsProperties properties,
			PluginsJdbcProperties jdbc) {
		DataSource source = dataSource.getIfUnique();
		if (source == null) {
			throw new InvalidConfigurationPropertyValueException("plugins.store-type", "jdbc",
					"No single DataSource: set spring.datasource.url (and add spring-boot-starter-jdbc), or define one "
							+ "DataSource bean");
		}
		long maxConfigSize = PluginsAutoConfiguration.maxConfigSize(properties);
		String instanceName = instanceName(jdbc);
		JdbcPluginConfigStore store;
		try {
			// The size and the instance name are checked above: what is left is the table name.
			store = new JdbcPluginConfigStore(source, jdbc.getTableName(), maxConfigSize, instanceName);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException("plugins.jdbc.table-name", jdbc.getTableName(),
					ex.getMessage());
		}
		logger.info("Plugin configurations are kept in table " + jdbc.getTableName() + " of the application's "
				+ "DataSource");
		if (jdbc.isImportFromConfigDir()) {
			importConfigDir(properties.getConfigDir().toAbsolutePath().normalize(), store);
		}
		return store;
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnSingleCandidate(DataSource.class)
	PluginsJdbcDataSourceScriptDatabaseInitializer pluginsJdbcDataSourceScriptDatabaseInitializer(
			DataSource dataSource, PluginsJdbcProperties jdbc) {
		return new PluginsJdbcDataSourceScriptDatabaseInitializer(dataSource, jdbc);
	}

	/**
	 * The cloud cost fleet on the same database: each instance's guard publishes its
	 * running cloud resources at every check, and the budget caps the fleet's.
	 */
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnSingleCandidate(DataSource.class)
	@DependsOnDatabaseInitialization
	CloudCostFleet cloudCostFleet(DataSource dataSource, PluginsProperties properties, PluginsJdbcProperties jdbc) {
		Duration interval = PluginsAutoConfiguration.requirePositive(properties.getCloud().getCheckInterval(),
				"plugins.cloud.check-interval");
		Duration queryTimeout = PluginsAutoConfiguration.requirePositive(jdbc.getQueryTimeout(),
				"plugins.jdbc.query-timeout");
		try {
			return new JdbcCloudCostFleet(dataSource, jdbc.getTableName(), instanceName(jdbc),
					interval.multipliedBy(FLEET_DROP_OUT_INTERVALS), queryTimeout);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException("plugins.jdbc.table-name", jdbc.getTableName(),
					ex.getMessage());
		}
	}

	private static String instanceName(PluginsJdbcProperties jdbc) {
		String name = jdbc.instanceNameOrDefault();
		if (name.isBlank() || name.length() > JdbcPluginConfigStore.MAX_INSTANCE_NAME_LENGTH) {
			throw new InvalidConfigurationPropertyValueException("plugins.jdbc.instance-name", name,
					"must have 1 to " + JdbcPluginConfigStore.MAX_INSTANCE_NAME_LENGTH + " characters, not blank");
		}
		return name;
	}

	@Bean(initMethod = "start", destroyMethod = "close")
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "plugins.watch.enabled", matchIfMissing = true)
	PluginConfigWatcher pluginConfigWatcher(UnifiedPluginRegistry registry, PluginsJdbcProperties jdbc) {
		return new PluginConfigWatcher(registry,
				PluginsAutoConfiguration.requirePositive(jdbc.getPollInterval(), "plugins.jdbc.poll-interval"));
	}

	/**
	 * Copies the config files the table does not have yet. An instance that imports the
	 * same file at the same time gets a conflict, and leaves the row as the other wrote it.
	 */
	private static void importConfigDir(Path dir, JdbcPluginConfigStore store) {
		if (!Files.isDirectory(dir)) {
			logger.info("Nothing to import: plugins.config-dir " + dir + " does not exist");
			return;
		}
		FileSystemPluginConfigStore files = new FileSystemPluginConfigStore(dir);
		Set<String> stored = store.ids();
		List<String> imported = new ArrayList<>();
		for (String id : files.ids().stream().sorted().toList()) {
			if (stored.contains(id)) {
				continue;
			}
			try {
				files.load(id).ifPresent((config) -> {
					store.save(id, config, ExpectedRevision.none());
					imported.add(id);
				});
			}
			catch (PluginConfigConflictException ex) {
				// imported by another instance meanwhile
			}
			catch (PluginConfigException | IllegalArgumentException ex) {
				logger.warn("Not imported: " + ex.getMessage());
			}
		}
		logger.info("Imported " + imported.size() + " plugin configuration(s) from " + dir + " into table "
				+ store.getTableName() + (imported.isEmpty() ? "" : ": " + imported));
	}

	/**
	 * Creates the table with the script for the database's platform, as
	 * {@code plugins.jdbc.initialize-schema} says.
	 */
	static class PluginsJdbcDataSourceScriptDatabaseInitializer
			extends PropertiesBasedDataSourceScriptDatabaseInitializer<PluginsJdbcProperties> {

		PluginsJdbcDataSourceScriptDatabaseInitializer(DataSource dataSource, PluginsJdbcProperties properties) {
			super(dataSource, properties);
		}

	}

}
