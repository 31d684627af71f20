package dev.unifiedplugins.autoconfigure;

import java.time.Duration;

import dev.unifiedplugins.jdbc.JdbcPluginConfigStore;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.jdbc.init.DatabaseInitializationProperties;

/**
 * Configuration properties of the JDBC plugin config store
 * ({@code plugins.store-type=jdbc}, with {@code dev.unifiedplugins:plugins-jdbc} on the
 * class path). The store uses the {@link PluginsDataSource @PluginsDataSource}
 * {@code DataSource} when there is one, else the application's. The inherited
 * {@code plugins.jdbc.platform} names the schema script's platform; by default it is taken
 * from the DataSource's JDBC URL, without a connection, so a database that is down at
 * start does not stop it: the schema initialization and the import then run when the
 * database is first reached. Saves and deletes wait for a row locked by another writer at
 * most {@code plugins.lock-timeout}.
 */
@ConfigurationProperties("plugins.jdbc")
public class PluginsJdbcProperties extends DatabaseInitializationProperties {

	/**
	 * Name of the table that holds the configurations. The history's table and the cloud
	 * cost fleet's are named after it ('<table-name>_history', '_cloud_instances',
	 * '_cloud_resources', '_cloud_lock'). The schema scripts create those of the default;
	 * another name needs a script of its own (see plugins.jdbc.schema).
	 */
	private String tableName = "plugin_config";

	/**
	 * How often the table's revisions are compared in full where LISTEN/NOTIFY is not
	 * available: databases other than PostgreSQL, and PostgreSQL while the listening
	 * connection is down. While LISTEN works (on a connection of its own, outside the
	 * pool when the DataSource exposes its JDBC URL, as HikariCP does), an idle instance
	 * reads the table at most once every 30 seconds, and its own saves do not make it
	 * re-read.
	 */
	private Duration pollInterval = Duration.ofSeconds(1);

	/**
	 * Longest any statement of the store may run, other than a save's or delete's wait for
	 * its row (plugins.lock-timeout); a whole write runs at most both summed, and a write
	 * that fails is rolled back, never committed later. Rounded up to whole seconds, as
	 * JDBC's query timeout is. Also bounds the wait for a pooled connection with HikariCP;
	 * other pools wait as they are set to: keep their wait short too.
	 */
	private Duration queryTimeout = Duration.ofSeconds(5);

	/**
	 * Whether to import, at start, the config files of plugins.config-dir that the table
	 * does not hold yet. Nothing in the table is overwritten.
	 */
	private boolean importFromConfigDir;

	/**
	 * Name of this instance, unique among those sharing the database: recorded as the
	 * writer of each configuration, and the name under which the instance publishes its
	 * running cloud resources to the fleet. Defaults to '<host name>:<process id>'.
	 */
	private @Nullable String instanceName;

	/**
	 * How often an instance marks the rows of the plugins it has loaded alive in the table
	 * '<table-name>_applied', which tells every instance which revision each applied; one
	 * not marked for 3 intervals is left out. Sends nothing while no plugin is loaded.
	 */
	private Duration appliedHeartbeatInterval = Duration.ofSeconds(30);

	public PluginsJdbcProperties() {
		// plugins.jdbc.continue-on-error is false, as documented: a schema script that fails
		// stops the start (Spring Boot's default, true, would skip what failed and log it
		// at debug level only). A database that cannot be reached, or a table held by
		// another connection, defers the script rather than failing the start.
		setContinueOnError(false);
	}

	@Override
	public String getDefaultSchemaLocation() {
		return JdbcPluginConfigStore.SCHEMA_LOCATION;
	}

	public String getTableName() {
		return this.tableName;
	}

	public void setTableName(String tableName) {
		this.tableName = tableName;
	}

	public Duration getPollInterval() {
		return this.pollInterval;
	}

	public void setPollInterval(Duration pollInterval) {
		this.pollInterval = pollInterval;
	}

	public Duration getQueryTimeout() {
		return this.queryTimeout;
	}

	public void setQueryTimeout(Duration queryTimeout) {
		this.queryTimeout = queryTimeout;
	}

	public @Nullable String getInstanceName() {
		return this.instanceName;
	}

	public void setInstanceName(@Nullable String instanceName) {
		this.instanceName = instanceName;
	}

	/**
	 * The instance name to use: the one set, else the default.
	 * @return the instance name
	 */
	String instanceNameOrDefault() {
		return (this.instanceName != null) ? this.instanceName : JdbcPluginConfigStore.defaultInstanceName();
	}

	public Duration getAppliedHeartbeatInterval() {
		return this.appliedHeartbeatInterval;
	}

	public void setAppliedHeartbeatInterval(Duration appliedHeartbeatInterval) {
		this.appliedHeartbeatInterval = appliedHeartbeatInterval;
	}

	public boolean isImportFromConfigDir() {
		return this.importFromConfigDir;
	}

	public void setImportFromConfigDir(boolean importFromConfigDir) {
		this.importFromConfigDir = importFromConfigDir;
	}

}
