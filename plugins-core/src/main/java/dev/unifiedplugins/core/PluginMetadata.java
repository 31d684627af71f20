package dev.unifiedplugins.core;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.unifiedplugins.json.Json;
import org.jspecify.annotations.Nullable;

/**
 * What the registry knows about one plugin, for display and resource management, without
 * loading the plugin.
 *
 * @param name the plugin's name within its category
 * @param category the category (the plugin system) it belongs to
 * @param title the display title
 * @param configSchema the JSON Schema of its configuration, empty when it has none
 * @param description the description, or null
 * @param version the version, or null
 * @param configured whether a configuration is saved for it
 * @param executionMode where it runs
 * @param managesChildProcesses whether it spawns child processes
 * @param managesExternalResources whether it manages containers, servers or cloud resources
 * @param spawnedPids the PIDs it manages, with their descendants
 * @param containerId the container id, if it runs in one
 * @param condaEnvName the conda environment, if it runs in one
 * @param remoteResource the remote or cloud resource it uses, if any
 */
public record PluginMetadata(String name, String category, String title, Map<String, Object> configSchema,
		@Nullable String description, @Nullable String version, boolean configured, PluginExecutionMode executionMode,
		boolean managesChildProcesses, boolean managesExternalResources, List<Long> spawnedPids,
		@Nullable String containerId, @Nullable String condaEnvName, @Nullable RemoteResourceInfo remoteResource) {

	public PluginMetadata {
		Objects.requireNonNull(name, "name must not be null");
		Objects.requireNonNull(category, "category must not be null");
		title = (title != null) ? title : name;
		configSchema = Json.immutableCopy(configSchema);
		executionMode = (executionMode != null) ? executionMode : PluginExecutionMode.IN_PROCESS;
		spawnedPids = (spawnedPids != null) ? List.copyOf(spawnedPids) : List.of();
	}

	/**
	 * Starts a builder with the defaults: title equal to the name, in-process, not
	 * configured, no schema, no resources.
	 * @param name the plugin's name
	 * @param category its category
	 * @return a new builder
	 */
	public static Builder builder(String name, String category) {
		return new Builder(name, category);
	}

	/**
	 * The id that names this plugin across categories: {@code category + "_" + name}.
	 * @return the unique id
	 */
	public String uniqueId() {
		return this.category + "_" + this.name;
	}

	/**
	 * Whether the plugin runs on this machine.
	 * @return true for a {@linkplain PluginExecutionMode#isLocal() local} execution mode
	 */
	public boolean isLocalExecution() {
		return this.executionMode.isLocal();
	}

	/**
	 * Whether the plugin runs on remote or cloud resources.
	 * @return true for a {@linkplain PluginExecutionMode#isCloud() cloud} execution mode
	 */
	public boolean isCloudExecution() {
		return this.executionMode.isCloud();
	}

	/**
	 * Whether the plugin holds resources now: a spawned PID, a container, or a running
	 * remote resource.
	 * @return true when any is present
	 */
	public boolean hasActiveResources() {
		return !this.spawnedPids.isEmpty() || this.containerId != null
				|| (this.remoteResource != null && this.remoteResource.isRunning());
	}

	/**
	 * A copy with another {@code configured} flag.
	 * @param configured whether a configuration is saved
	 * @return the copy, or this when the flag is unchanged
	 */
	public PluginMetadata withConfigured(boolean configured) {
		if (configured == this.configured) {
			return this;
		}
		return new PluginMetadata(this.name, this.category, this.title, this.configSchema, this.description,
				this.version, configured, this.executionMode, this.managesChildProcesses,
				this.managesExternalResources, this.spawnedPids, this.containerId, this.condaEnvName,
				this.remoteResource);
	}

	/**
	 * A copy with the resources a live instance reports.
	 * @param spawnedPids the live PIDs, with descendants
	 * @param remoteResource the remote resource, or null
	 * @return the copy
	 */
	public PluginMetadata withResources(List<Long> spawnedPids, @Nullable RemoteResourceInfo remoteResource) {
		return new PluginMetadata(this.name, this.category, this.title, this.configSchema, this.description,
				this.version, this.configured, this.executionMode, this.managesChildProcesses,
				this.managesExternalResources, spawnedPids, this.containerId, this.condaEnvName, remoteResource);
	}

	/** Builder for {@link PluginMetadata}. */
	public static final class Builder {

		private final String name;

		private final String category;

		private @Nullable String title;

		private Map<String, Object> configSchema = Map.of();

		private @Nullable String description;

		private @Nullable String version;

		private boolean configured;

		private PluginExecutionMode executionMode = PluginExecutionMode.IN_PROCESS;

		private boolean managesChildProcesses;

		private boolean managesExternalResources;

		private List<Long> spawnedPids = List.of();

		private @Nullable String containerId;

		private @Nullable String condaEnvName;

		private @Nullable RemoteResourceInfo remoteResource;

		private Builder(String name, String category) {
			this.name = Objects.requireNonNull(name, "name must not be null");
			this.category = Objects.requireNonNull(category, "category must not be null");
		}

		public Builder title(@Nullable String title) {
			this.title = title;
			return this;
		}

		public Builder configSchema(Map<String, Object> configSchema) {
			this.configSchema = Objects.requireNonNull(configSchema, "configSchema must not be null");
			return this;
		}

		public Builder description(@Nullable String description) {
			this.description = description;
			return this;
		}

		public Builder version(@Nullable String version) {
			this.version = version;
			return this;
		}

		public Builder configured(boolean configured) {
			this.configured = configured;
			return this;
		}

		public Builder executionMode(PluginExecutionMode executionMode) {
			this.executionMode = Objects.requireNonNull(executionMode, "executionMode must not be null");
			return this;
		}

		public Builder managesChildProcesses(boolean managesChildProcesses) {
			this.managesChildProcesses = managesChildProcesses;
			return this;
		}

		public Builder managesExternalResources(boolean managesExternalResources) {
			this.managesExternalResources = managesExternalResources;
			return this;
		}

		public Builder spawnedPids(List<Long> spawnedPids) {
			this.spawnedPids = Objects.requireNonNull(spawnedPids, "spawnedPids must not be null");
			return this;
		}

		public Builder containerId(@Nullable String containerId) {
			this.containerId = containerId;
			return this;
		}

		public Builder condaEnvName(@Nullable String condaEnvName) {
			this.condaEnvName = condaEnvName;
			return this;
		}

		public Builder remoteResource(@Nullable RemoteResourceInfo remoteResource) {
			this.remoteResource = remoteResource;
			return this;
		}

		/**
		 * Builds the metadata.
		 * @return a new {@link PluginMetadata}
		 */
		public PluginMetadata build() {
			return new PluginMetadata(this.name, this.category, (this.title != null) ? this.title : this.name,
					this.configSchema, this.description, this.version, this.configured, this.executionMode,
					this.managesChildProcesses, this.managesExternalResources, this.spawnedPids, this.containerId,
					this.condaEnvName, this.remoteResource);
		}

	}

}
