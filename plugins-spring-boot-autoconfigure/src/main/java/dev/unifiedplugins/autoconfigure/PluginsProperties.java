package dev.unifiedplugins.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.unifiedplugins.cost.CloudCostGuard.BudgetAction;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties for the unified plugin registry.
 */
@ConfigurationProperties("plugins")
public class PluginsProperties {

	/**
	 * Whether to enable the unified plugin registry.
	 */
	private boolean enabled = true;

	/**
	 * Directory holding one JSON configuration file per plugin. A relative path resolves
	 * against the working directory.
	 */
	private Path configDir = Path.of("configs");

	/**
	 * Maximum size of a plugin configuration file, at most 1GB. Saving a configuration
	 * that would take more fails, and a larger file is reported as an error of its plugin
	 * instead of being read.
	 */
	private DataSize maxConfigSize = DataSize.ofMegabytes(4);

	/**
	 * Whether to discover each plugin manager's plugins when it is registered.
	 */
	private boolean autoDiscover = true;

	/**
	 * Upper bound on each plugin's protocol calls made by the actuator endpoint, health and
	 * metrics, on a loaded plugin's check of a configuration being saved (its validate),
	 * past which the save is refused, on each load's, reload's and unload's call to the
	 * plugin's configure (past which the load fails) and forceCleanup, and twice over on a
	 * rescan's discovery of a plugin system (past which the rescan fails).
	 */
	private Duration resourceTimeout = Duration.ofSeconds(2);

	/**
	 * Longest a save or delete waits for another writer of the same plugin (the file
	 * store's lock, a database row lock) before it fails as busy.
	 */
	private Duration lockTimeout = Duration.ofSeconds(10);

	/**
	 * Longest a save with "await" waits for every live instance that has the plugin loaded
	 * to apply the new revision or fail to; a longer await asked for is cut to it.
	 */
	private Duration awaitTimeout = Duration.ofSeconds(10);

	/**
	 * Per-category settings, keyed by category name. A category with a dot in its name
	 * takes the bracket form: plugins.categories[speech.v2].display-name.
	 */
	private Map<String, Category> categories = new LinkedHashMap<>();

	/**
	 * Where plugin configurations are stored: 'file' keeps one JSON file per plugin in
	 * config-dir; 'jdbc' keeps them in a table of the application's DataSource, shared by
	 * every instance on that database.
	 */
	private StoreType storeType = StoreType.FILE;

	private final Watch watch = new Watch();

	private final Cost cost = new Cost();

	private final Validation validation = new Validation();

	private final Cloud cloud = new Cloud();

	private final History history = new History();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Path getConfigDir() {
		return this.configDir;
	}

	public void setConfigDir(Path configDir) {
		this.configDir = configDir;
	}

	public DataSize getMaxConfigSize() {
		return this.maxConfigSize;
	}

	public void setMaxConfigSize(DataSize maxConfigSize) {
		this.maxConfigSize = maxConfigSize;
	}

	public boolean isAutoDiscover() {
		return this.autoDiscover;
	}

	public void setAutoDiscover(boolean autoDiscover) {
		this.autoDiscover = autoDiscover;
	}

	public Duration getResourceTimeout() {
		return this.resourceTimeout;
	}

	public void setResourceTimeout(Duration resourceTimeout) {
		this.resourceTimeout = resourceTimeout;
	}

	public Duration getLockTimeout() {
		return this.lockTimeout;
	}

	public void setLockTimeout(Duration lockTimeout) {
		this.lockTimeout = lockTimeout;
	}

	public Duration getAwaitTimeout() {
		return this.awaitTimeout;
	}

	public void setAwaitTimeout(Duration awaitTimeout) {
		this.awaitTimeout = awaitTimeout;
	}

	public Map<String, Category> getCategories() {
		return this.categories;
	}

	public void setCategories(Map<String, Category> categories) {
		this.categories = categories;
	}

	public StoreType getStoreType() {
		return this.storeType;
	}

	public void setStoreType(StoreType storeType) {
		this.storeType = storeType;
	}

	public Watch getWatch() {
		return this.watch;
	}

	public Cost getCost() {
		return this.cost;
	}

	public Validation getValidation() {
		return this.validation;
	}

	public Cloud getCloud() {
		return this.cloud;
	}

	public History getHistory() {
		return this.history;
	}

	/**
	 * Where plugin configurations are stored.
	 */
	public enum StoreType {

		/**
		 * One JSON file per plugin in the config directory.
		 */
		FILE,

		/**
		 * One row per plugin in a table of the application's DataSource.
		 */
		JDBC

	}

	/**
	 * Noticing configurations changed outside this application: by another instance, the
	 * Python library, or a person.
	 */
	public static class Watch {

		/**
		 * Whether to follow changes made elsewhere: the configured flags, the endpoint,
		 * health and metrics follow them, and each is published as a PluginConfigChange
		 * application event.
		 */
		private boolean enabled = true;

		/**
		 * How often the file store, and each plugin system's directory of JARs with watch
		 * set, is compared in full, besides the file system's events (which some file
		 * systems lose). The JDBC store uses plugins.jdbc.poll-interval.
		 */
		private Duration rescanInterval = Duration.ofSeconds(1);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getRescanInterval() {
			return this.rescanInterval;
		}

		public void setRescanInterval(Duration rescanInterval) {
			this.rescanInterval = rescanInterval;
		}

	}

	/**
	 * The history of each plugin's configuration, kept by the config store for the
	 * endpoint's revisions and restore.
	 */
	public static class History {

		/**
		 * Number of revisions of each plugin's configuration the config store keeps,
		 * deletions included: the file store in config-dir/.history, the JDBC store in the
		 * table '<table-name>_history'. 0 keeps no history.
		 */
		private int size = 20;

		public int getSize() {
			return this.size;
		}

		public void setSize(int size) {
			this.size = size;
		}

	}

	/**
	 * Validation of plugin configurations against their JSON Schemas.
	 */
	public static class Validation {

		/**
		 * Whether to validate each saved plugin configuration against its plugin's schema,
		 * and check the schemas themselves when plugin managers register. A loaded plugin's
		 * own check of a configuration (its validate) runs either way.
		 */
		private boolean enabled = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

	/**
	 * Settings of one category.
	 */
	public static class Category {

		/**
		 * Display name of the category. Wins over the plugin manager's own display name.
		 */
		private @Nullable String displayName;

		public @Nullable String getDisplayName() {
			return this.displayName;
		}

		public void setDisplayName(@Nullable String displayName) {
			this.displayName = displayName;
		}

	}

	/**
	 * Cloud cost estimation.
	 */
	public static class Cost {

		/**
		 * Duration, in hours, that the actuator endpoint estimates cloud cost for when the
		 * request names none.
		 */
		private double defaultHours = 1.0;

		private final Budget budget = new Budget();

		public double getDefaultHours() {
			return this.defaultHours;
		}

		public void setDefaultHours(double defaultHours) {
			this.defaultHours = defaultHours;
		}

		public Budget getBudget() {
			return this.budget;
		}

	}

	/**
	 * Cap on what the running cloud resources cost together.
	 */
	public static class Budget {

		/**
		 * Cap, in USD per hour, on the summed estimated hourly price of the running cloud
		 * resources, checked every plugins.cloud.check-interval. With plugins.store-type=jdbc
		 * it caps the resources of all the instances sharing the database. No cap when not
		 * set.
		 */
		private @Nullable Double hourlyUsd;

		/**
		 * What to do when the running cloud resources cost more than the cap: 'warn' logs
		 * it, publishes an event and shows it in the endpoint, metrics and health;
		 * 'terminate' also terminates running resources, most expensive first, until the
		 * rest cost no more than the cap. Health never goes DOWN for the budget.
		 */
		private BudgetAction action = BudgetAction.WARN;

		/**
		 * Caps on what the running cloud resources of the plugins of one category cost
		 * together, by category. Each holds besides the global cap: a resource terminated
		 * for one counts as gone for the other.
		 */
		private Map<String, CategoryBudget> categories = new LinkedHashMap<>();

		public @Nullable Double getHourlyUsd() {
			return this.hourlyUsd;
		}

		public void setHourlyUsd(@Nullable Double hourlyUsd) {
			this.hourlyUsd = hourlyUsd;
		}

		public BudgetAction getAction() {
			return this.action;
		}

		public void setAction(BudgetAction action) {
			this.action = action;
		}

		public Map<String, CategoryBudget> getCategories() {
			return this.categories;
		}

		public void setCategories(Map<String, CategoryBudget> categories) {
			this.categories = categories;
		}

	}

	/**
	 * Cap on what the running cloud resources of one category's plugins cost together.
	 */
	public static class CategoryBudget {

		/**
		 * Cap, in USD per hour, on the summed estimated hourly price of the running cloud
		 * resources of the category's plugins, of the whole fleet with
		 * plugins.store-type=jdbc. No cap when not set.
		 */
		private @Nullable Double hourlyUsd;

		/**
		 * What to do when the category's running cloud resources cost more than its cap:
		 * 'warn' or 'terminate' (its most expensive first), as plugins.cost.budget.action,
		 * which applies when not set.
		 */
		private @Nullable BudgetAction action;

		public @Nullable Double getHourlyUsd() {
			return this.hourlyUsd;
		}

		public void setHourlyUsd(@Nullable Double hourlyUsd) {
			this.hourlyUsd = hourlyUsd;
		}

		public @Nullable BudgetAction getAction() {
			return this.action;
		}

		public void setAction(@Nullable BudgetAction action) {
			this.action = action;
		}

	}

	/**
	 * Limits on the cloud resources of plugins. Each automatic termination is bounded by
	 * plugins.resource-timeout, logged, counted and published as a
	 * PluginCloudResourceTerminated application event; one that fails is tried again at
	 * the next check.
	 */
	public static class Cloud {

		/**
		 * Time after which a running cloud resource whose plugin reports no activity is
		 * terminated. A plugin that does not report its activity is never considered idle.
		 * No limit when not set.
		 */
		private @Nullable Duration idleTimeout;

		/**
		 * Time after which a running cloud resource is terminated, counted from when this
		 * application first saw it running. No limit when not set.
		 */
		private @Nullable Duration maxLifetime;

		/**
		 * How often the cloud resources are checked: their accrued cost, the idle timeout,
		 * the maximum lifetime and the budget. With plugins.store-type=jdbc each check is
		 * also the instance's heartbeat to the fleet, which forgets an instance after 3
		 * intervals without one.
		 */
		private Duration checkInterval = Duration.ofSeconds(30);

		/**
		 * Longest a plugin's beforeTerminate (its last word before its cloud resource is
		 * terminated, for any reason) may run; the termination goes on after it. At
		 * shutdown it gets at most half of what is left of plugins.shutdown.timeout.
		 */
		private Duration beforeTerminateTimeout = Duration.ofSeconds(30);

		public @Nullable Duration getIdleTimeout() {
			return this.idleTimeout;
		}

		public void setIdleTimeout(@Nullable Duration idleTimeout) {
			this.idleTimeout = idleTimeout;
		}

		public @Nullable Duration getMaxLifetime() {
			return this.maxLifetime;
		}

		public void setMaxLifetime(@Nullable Duration maxLifetime) {
			this.maxLifetime = maxLifetime;
		}

		public Duration getCheckInterval() {
			return this.checkInterval;
		}

		public void setCheckInterval(Duration checkInterval) {
			this.checkInterval = checkInterval;
		}

		public Duration getBeforeTerminateTimeout() {
			return this.beforeTerminateTimeout;
		}

		public void setBeforeTerminateTimeout(Duration beforeTerminateTimeout) {
			this.beforeTerminateTimeout = beforeTerminateTimeout;
		}

	}

}
