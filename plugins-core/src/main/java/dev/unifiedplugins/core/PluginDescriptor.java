package dev.unifiedplugins.core;

import java.util.Map;
import java.util.Objects;

import dev.unifiedplugins.config.PluginConfigSchemaGenerator;
import dev.unifiedplugins.json.Json;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link PluginManager} reports about one of its plugins when it discovers them.
 *
 * @param name the plugin's name, unique within its manager
 * @param version the plugin's version, or null when it has none
 * @param title the display title, or null to take the schema's {@code title}, else the name
 * @param description the description, null to take the schema's {@code description}, or
 * empty for none (a config class shared by several plugins does not describe each of them)
 * @param configSchema the JSON Schema of the plugin's configuration, empty when it has none
 * @param executionMode where the plugin runs
 * @param managesChildProcesses whether the plugin spawns child processes
 * @param managesExternalResources whether the plugin manages containers, servers or cloud
 * resources
 */
public record PluginDescriptor(String name, @Nullable String version, @Nullable String title,
		@Nullable String description, Map<String, Object> configSchema, PluginExecutionMode executionMode,
		boolean managesChildProcesses, boolean managesExternalResources) {

	public PluginDescriptor {
		Objects.requireNonNull(name, "name must not be null");
		configSchema = Json.immutableCopy(configSchema);
		executionMode = (executionMode != null) ? executionMode : PluginExecutionMode.IN_PROCESS;
	}

	/**
	 * Starts a builder for an in-process plugin without schema, version or title.
	 * @param name the plugin's name
	 * @return a new builder
	 */
	public static Builder builder(String name) {
		return new Builder(name);
	}

	/** Builder for {@link PluginDescriptor}. */
	public static final class Builder {

		private final String name;

		private @Nullable String version;

		private @Nullable String title;

		private @Nullable String description;

		private Map<String, Object> configSchema = Map.of();

		private PluginExecutionMode executionMode = PluginExecutionMode.IN_PROCESS;

		private boolean managesChildProcesses;

		private boolean managesExternalResources;

		private Builder(String name) {
			this.name = Objects.requireNonNull(name, "name must not be null");
		}

		public Builder version(@Nullable String version) {
			this.version = version;
			return this;
		}

		public Builder title(@Nullable String title) {
			this.title = title;
			return this;
		}

		public Builder description(@Nullable String description) {
			this.description = description;
			return this;
		}

		public Builder configSchema(Map<String, Object> configSchema) {
			this.configSchema = Objects.requireNonNull(configSchema, "configSchema must not be null");
			return this;
		}

		/**
		 * Sets the configuration schema to one generated from a record or bean, in place of
		 * a hand-written {@link #configSchema}; the last of the two calls wins. See
		 * {@link PluginConfigSchemaGenerator} for the annotations it reads, defaults
		 * included.
		 * @param configClass the configuration class
		 * @return this builder
		 * @throws IllegalArgumentException when the class does not map to a JSON object or
		 * declares a default its schema refuses
		 */
		public Builder configClass(Class<?> configClass) {
			this.configSchema = PluginConfigSchemaGenerator.generate(configClass);
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

		/**
		 * Builds the descriptor.
		 * @return a new {@link PluginDescriptor}
		 */
		public PluginDescriptor build() {
			return new PluginDescriptor(this.name, this.version, this.title, this.description, this.configSchema,
					this.executionMode, this.managesChildProcesses, this.managesExternalResources);
		}

	}

}
