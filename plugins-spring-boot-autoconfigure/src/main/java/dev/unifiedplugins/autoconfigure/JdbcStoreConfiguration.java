package dev.unifiedplugins.autoconfigure;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import javax.sql.DataSource;

import dev.unifiedplugins.applied.AppliedRevisions;
import dev.unifiedplugins.config.ExpectedRevision;
import dev.unifiedplugins.config.FileSystemPluginConfigStore;
import dev.unifiedplugins.config.PluginConfigConflictException;
import dev.unifiedplugins.config.PluginConfigException;
import dev.unifiedplugins.config.PluginConfigStore;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.cost.CloudCostFleet;
import dev.unifiedplugins.jdbc.JdbcAppliedRevisions;
import dev.unifiedplugins.jdbc.JdbcCloudCostFleet;
import dev.unifiedplugins.jdbc.JdbcPluginConfigStore;
import dev.unifiedplugins.jdbcinit.H2SchemaRace;
import dev.unifiedplugins.jdbcinit.JdbcStoreStartup;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.jdbc.DatabaseDriver;
import org.springframework.boot.jdbc.init.PropertiesBasedDataSourceScriptDatabaseInitializer;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.DependsOn;
import org.springframework.jdbc.datasource.init.ScriptStatementFailedException;
import org.springframework.util.StringUtils;

/**
 * The JDBC config store, selected with {@code plugins.store-type=jdbc}: the table on the
 * {@link PluginsDataSource @PluginsDataSource} {@link DataSource}, else the application's
 * only one, its schema initialization the way Spring Session JDBC does it, the import of an
 * existing config directory (both run when the database is first reached, so a database
 * that is down does not stop the start), and the cloud cost fleet of the instances sharing
 * the database. The registry's watcher is {@link PluginsAutoConfiguration}'s.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = { "org.springframework.boot.jdbc.init.DatabaseInitializationProperties",
		JdbcStoreConfiguration.STORE_CLASS })
@ConditionalOnProperty(name = "plugins.store-type", havingValue = "jdbc")
@EnableConfigurationProperties(PluginsJdbcProperties.class)
class JdbcStoreConfiguration {

	/** The store's class, in the optional {@code dev.unifiedplugins:plugins-jdbc}. */
	static final String STORE_CLASS = "dev.unifiedplugins.jdbc.JdbcPluginConfigStore";

	private static final Log logger = LogFactory.getLog(JdbcStoreConfiguration.class);

	/** How many check intervals without a heartbeat make the fleet forget an instance. */
	static final int FLEET_DROP_OUT_INTERVALS = 3;

	/** The {@code @PluginsDataSource} one, else the application's only one. */
	static DataSource dataSource(ObjectProvider<DataSource> pluginsDataSource, ObjectProvider<DataSource> dataSource) {
		DataSource source = pluginsDataSource.getIfAvailable(dataSource::getIfUnique);
		if (source == null) {
			throw new InvalidConfigurationPropertyValueException("plugins.store-type", "jdbc",
					"No single DataSource: set spring.datasource.url (and add spring-boot-starter-jdbc), define one "
							+ "DataSource bean, or qualify the one to use with @PluginsDataSource");
		}
		return source;
	}

	@Bean
	@ConditionalOnMissingBean
	@DependsOnDatabaseInitialization
	@DependsOn("pluginsJdbcStoreStartup")
	PluginConfigStore pluginConfigStore(@PluginsDataSource ObjectProvider<DataSource> pluginsDataSource,
			ObjectProvider<DataSource> dataSource, PluginsProperties properties, PluginsJdbcProperties jdbc) {
		JdbcPluginConfigStore store = store(dataSource(pluginsDataSource, dataSource), properties, jdbc);
		store.setPollInterval(
				PluginsAutoConfiguration.requirePositive(jdbc.getPollInterval(), "plugins.jdbc.poll-interval"));
		logger.info("Plugin configurations are kept in table " + jdbc.getTableName() + " of "
				+ ((pluginsDataSource.getIfAvailable() != null) ? "the @PluginsDataSource" : "the application's")
				+ " DataSource");
		return store;
	}

	private static JdbcPluginConfigStore store(DataSource source, PluginsProperties properties,
			PluginsJdbcProperties jdbc) {
		long maxConfigSize = PluginsAutoConfiguration.maxConfigSize(properties);
		String instanceName = instanceName(jdbc);
		Duration lockTimeout = PluginsAutoConfiguration.requirePositive(properties.getLockTimeout(),
				"plugins.lock-timeout");
		Duration queryTimeout = PluginsAutoConfiguration.requirePositive(jdbc.getQueryTimeout(),
				"plugins.jdbc.query-timeout");
		int historySize = PluginsAutoConfiguration.historySize(properties);
		try {
			// The sizes, the instance name and the timeouts are checked above: what is left is
			// the table name, and whether it leaves room for its history table's.
			JdbcPluginConfigStore store = new JdbcPluginConfigStore(source, jdbc.getTableName(), maxConfigSize,
					instanceName, lockTimeout, queryTimeout);
			store.setHistorySize(historySize);
			return store;
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException("plugins.jdbc.table-name", jdbc.getTableName(),
					ex.getMessage());
		}
	}

	@Bean
	@ConditionalOnMissingBean
	PluginsJdbcDataSourceScriptDatabaseInitializer pluginsJdbcDataSourceScriptDatabaseInitializer(
			@PluginsDataSource ObjectProvider<DataSource> pluginsDataSource, ObjectProvider<DataSource> dataSource,
			PluginsJdbcProperties jdbc) {
		DataSource source = dataSource(pluginsDataSource, dataSource);
		if (!StringUtils.hasText(jdbc.getPlatform())) {
			// From the JDBC URL, so that a database that is down at start does not fail it.
			String platform = platformOf(source);
			if (platform != null) {
				jdbc.setPlatform(platform);
			}
		}
		return new PluginsJdbcDataSourceScriptDatabaseInitializer(source, jdbc);
	}

	/**
	 * The schema initialization and the import, at start or when the database is first
	 * reached; the registry is refreshed after a deferred run.
	 */
	@Bean(initMethod = "start", destroyMethod = "close")
	JdbcStoreStartup pluginsJdbcStoreStartup(@PluginsDataSource ObjectProvider<DataSource> pluginsDataSource,
			ObjectProvider<DataSource> dataSource, PluginsProperties properties, PluginsJdbcProperties jdbc,
			ObjectProvider<PluginsJdbcDataSourceScriptDatabaseInitializer> initializer,
			ObjectProvider<UnifiedPluginRegistry> registry) {
		List<Runnable> steps = new ArrayList<>();
		PluginsJdbcDataSourceScriptDatabaseInitializer schema = initializer.getIfAvailable();
		boolean schemaDeferred = schema != null && schema.isDeferred();
		if (schemaDeferred) {
			steps.add(schema::initializeDatabase);
		}
		if (jdbc.isImportFromConfigDir()) {
			JdbcPluginConfigStore store = store(dataSource(pluginsDataSource, dataSource), properties, jdbc);
			Path dir = properties.getConfigDir().toAbsolutePath().normalize();
			steps.add(() -> importConfigDir(dir, store));
		}
		return new JdbcStoreStartup(steps, () -> {
			UnifiedPluginRegistry plugins = registry.getIfAvailable();
			if (plugins != null) {
				plugins.refreshConfigurations();
			}
		}, schemaDeferred);
	}

	/** The platform of the schema scripts from the data source's JDBC URL, if it tells it. */
	static @Nullable String platformOf(DataSource dataSource) {
		for (String getter : new String[] { "getJdbcUrl", "getUrl" }) {
			try {
				Method method = dataSource.getClass().getMethod(getter);
				if (method.invoke(dataSource) instanceof String url && !url.isBlank()) {
					DatabaseDriver driver = DatabaseDriver.fromJdbcUrl(url);
					return (driver != DatabaseDriver.UNKNOWN) ? driver.getId() : null;
				}
			}
			catch (ReflectiveOperationException | RuntimeException ex) {
				// not this getter
			}
		}
		return null;
	}

	/**
	 * The cloud cost fleet on the same database: each instance's guard publishes its
	 * running cloud resources at every check, and the budget caps the fleet's.
	 */
	@Bean
	@ConditionalOnMissingBean
	@DependsOnDatabaseInitialization
	CloudCostFleet cloudCostFleet(@PluginsDataSource ObjectProvider<DataSource> pluginsDataSource,
			ObjectProvider<DataSource> dataSource, PluginsProperties properties, PluginsJdbcProperties jdbc) {
		DataSource source = dataSource(pluginsDataSource, dataSource);
		Duration interval = PluginsAutoConfiguration.requirePositive(properties.getCloud().getCheckInterval(),
				"plugins.cloud.check-interval");
		Duration queryTimeout = PluginsAutoConfiguration.requirePositive(jdbc.getQueryTimeout(),
				"plugins.jdbc.query-timeout");
		try {
			return new JdbcCloudCostFleet(source, jdbc.getTableName(), instanceName(jdbc),
					interval.multipliedBy(FLEET_DROP_OUT_INTERVALS), queryTimeout);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException("plugins.jdbc.table-name", jdbc.getTableName(),
					ex.getMessage());
		}
	}

	/**
	 * Which revision each instance on the same database applied: this instance's loads are
	 * written to {@code <table>_applied} and every live instance's are read from it.
	 */
	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean(AppliedRevisions.class)
	@DependsOnDatabaseInitialization
	JdbcAppliedRevisions jdbcAppliedRevisions(@PluginsDataSource ObjectProvider<DataSource> pluginsDataSource,
			ObjectProvider<DataSource> dataSource, PluginsJdbcProperties jdbc) {
		DataSource source = dataSource(pluginsDataSource, dataSource);
		Duration heartbeat = PluginsAutoConfiguration.requirePositive(jdbc.getAppliedHeartbeatInterval(),
				"plugins.jdbc.applied-heartbeat-interval");
		Duration queryTimeout = PluginsAutoConfiguration.requirePositive(jdbc.getQueryTimeout(),
				"plugins.jdbc.query-timeout");
		try {
			return new JdbcAppliedRevisions(source, jdbc.getTableName(), instanceName(jdbc), heartbeat, queryTimeout);
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

		/**
		 * How often the bundled H2 script, whose statement another instance's run of it
		 * failed, is run before the failure stands.
		 */
		static final int SCRIPT_ATTEMPTS = 4;

		private final boolean bundledScript;

		private volatile boolean deferred;

		PluginsJdbcDataSourceScriptDatabaseInitializer(DataSource dataSource, PluginsJdbcProperties properties) {
			super(dataSource, properties);
			this.bundledScript = properties.getDefaultSchemaLocation().equals(properties.getSchema());
		}

		/**
		 * Runs the scripts, unless the database cannot be reached, or another connection
		 * holds a lock they need longer than they wait: then the start-up runs them later.
		 */
		@Override
		public void afterPropertiesSet() throws Exception {
			try {
				super.afterPropertiesSet();
			}
			catch (RuntimeException ex) {
				if (!JdbcStoreStartup.isUnavailable(ex)) {
					throw ex;
				}
				JdbcStoreStartup.warnDeferred(ex);
				this.deferred = true;
			}
		}

		/**
		 * Runs the scripts. Starts on one H2 database at once fail each other's statements
		 * (see {@link H2SchemaRace}); the bundled script is idempotent, so a statement of it
		 * that H2 fails that way runs it again, after a growing pause with a random part, up
		 * to {@value #SCRIPT_ATTEMPTS} times in all. Any other failure stands at once, as do
		 * those of a script of the application's own, which need not be idempotent (a rerun
		 * would fail on what the first run did, hiding the statement at fault). The failure
		 * that stands is the first, later ones attached as suppressed. A database that
		 * cannot be reached is left to {@link #afterPropertiesSet()} at once.
		 */
		@Override
		public boolean initializeDatabase() {
			ScriptStatementFailedException first = null;
			for (int attempt = 1;; attempt++) {
				try {
					return super.initializeDatabase();
				}
				catch (ScriptStatementFailedException ex) {
					if (JdbcStoreStartup.isUnavailable(ex)) {
						throw ex;
					}
					if (first == null) {
						first = ex;
					}
					else {
						first.addSuppressed(ex);
					}
					if (attempt >= SCRIPT_ATTEMPTS || !this.bundledScript || !H2SchemaRace.isRace(ex)) {
						throw first;
					}
					logger.info("The plugin config store's schema script met another instance's run of it on H2;"
							+ " running it again: " + JdbcStoreStartup.innermostMessage(ex));
					pause(attempt);
				}
			}
		}

		private static void pause(int attempt) {
			long millis = (100L << (attempt - 1)) + ThreadLocalRandom.current().nextLong(100);
			try {
				Thread.sleep(millis);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while running the plugin config store's schema script", ex);
			}
		}

		/** {@return whether the scripts wait for the database to be reached} */
		boolean isDeferred() {
			return this.deferred;
		}

	}

}
