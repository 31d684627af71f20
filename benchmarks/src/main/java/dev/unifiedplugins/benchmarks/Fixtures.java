package dev.unifiedplugins.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.core.PluginExecutionMode;
import dev.unifiedplugins.core.PluginManager;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Synthetic plugins for the benchmarks: managers whose plugins have a small JSON schema,
 * the shape of a real plugin's (a title, a type, three properties).
 */
final class Fixtures {

	private Fixtures() {
	}

	/**
	 * An embedded PostgreSQL with durable commits, as a production database has them: the
	 * embedded server turns synchronous_commit off by default, which would make every commit
	 * nearly free.
	 */
	static EmbeddedPostgres durablePostgres() throws IOException {
		return EmbeddedPostgres.builder()
			.setServerConfig("synchronous_commit", "on")
			.setServerConfig("fsync", "on")
			.start();
	}

	/** The category name of the {@code index}-th category. */
	static String category(int index) {
		return String.format("category_%03d", index);
	}

	/** The plugin name of the {@code index}-th plugin of a category. */
	static String pluginName(int index) {
		return String.format("plugin_%04d", index);
	}

	/** A small schema, about 300 bytes of JSON. */
	static Map<String, Object> schema(String title) {
		Map<String, Object> model = new LinkedHashMap<>();
		model.put("type", "string");
		model.put("default", "base");
		model.put("enum", List.of("tiny", "base", "large"));
		Map<String, Object> temperature = new LinkedHashMap<>();
		temperature.put("type", "number");
		temperature.put("minimum", 0.0);
		temperature.put("maximum", 2.0);
		Map<String, Object> apiKey = new LinkedHashMap<>();
		apiKey.put("type", "string");
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("model", model);
		properties.put("temperature", temperature);
		properties.put("api_key", apiKey);
		Map<String, Object> schema = new LinkedHashMap<>();
		schema.put("title", title);
		schema.put("description", "Synthetic plugin " + title + " for benchmarks");
		schema.put("type", "object");
		schema.put("properties", properties);
		return schema;
	}

	/** {@code count} descriptors, freshly built. */
	static List<PluginDescriptor> descriptors(String category, int count) {
		List<PluginDescriptor> descriptors = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			String name = pluginName(i);
			descriptors.add(PluginDescriptor.builder(name)
				.version("1.0." + (i % 10))
				.configSchema(schema(category + " " + name))
				.executionMode((i % 10 == 9) ? PluginExecutionMode.CLOUD_GPU : PluginExecutionMode.IN_PROCESS)
				.build());
		}
		return descriptors;
	}

	/**
	 * A registry holding {@code categories} categories, the plugins spread evenly over them.
	 */
	static UnifiedPluginRegistry registry(Path configDir, int plugins, int categories) {
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(configDir);
		for (StaticManager manager : managers(plugins, categories)) {
			registry.registerPluginManager(manager.category(), manager);
		}
		return registry;
	}

	/** Managers with their descriptors built in advance. */
	static List<StaticManager> managers(int plugins, int categories) {
		List<StaticManager> managers = new ArrayList<>(categories);
		int per = plugins / categories;
		int extra = plugins % categories;
		for (int c = 0; c < categories; c++) {
			String category = category(c);
			managers.add(new StaticManager(category, descriptors(category, per + ((c < extra) ? 1 : 0))));
		}
		return managers;
	}

	static Path tempDir(String prefix) {
		try {
			return Files.createTempDirectory(prefix);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static void deleteRecursively(Path dir) {
		if (dir == null || !Files.exists(dir)) {
			return;
		}
		try (Stream<Path> walk = Files.walk(dir)) {
			walk.sorted(Comparator.reverseOrder()).forEach((path) -> {
				try {
					Files.deleteIfExists(path);
				}
				catch (IOException ex) {
					// best effort
				}
			});
		}
		catch (IOException ex) {
			// best effort
		}
	}

	/** A manager that reports descriptors built beforehand and has no loaded instances. */
	static final class StaticManager implements PluginManager {

		private final String category;

		private final List<PluginDescriptor> descriptors;

		StaticManager(String category, List<PluginDescriptor> descriptors) {
			this.category = category;
			this.descriptors = List.copyOf(descriptors);
		}

		@Override
		public List<PluginDescriptor> discoverPlugins() {
			return this.descriptors;
		}

		@Override
		public String category() {
			return this.category;
		}

	}

	/** A manager whose loaded instances are given (for the lifecycle benchmarks). */
	static final class InstanceManager implements PluginManager {

		private final String category;

		private final List<PluginDescriptor> descriptors;

		private final Map<String, Object> instances;

		InstanceManager(String category, List<PluginDescriptor> descriptors, Map<String, Object> instances) {
			this.category = category;
			this.descriptors = List.copyOf(descriptors);
			this.instances = Map.copyOf(instances);
		}

		@Override
		public List<PluginDescriptor> discoverPlugins() {
			return this.descriptors;
		}

		@Override
		public Optional<Object> getPlugin(String name) {
			return Optional.ofNullable(this.instances.get(name));
		}

		@Override
		public String category() {
			return this.category;
		}

	}

	/**
	 * The floor's write: creates {@code file} with {@code bytes} and fsyncs it, as a bare
	 * durable write does.
	 */
	static void writeAndFsync(Path file, byte[] bytes) throws IOException {
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
			ByteBuffer buffer = ByteBuffer.wrap(bytes);
			while (buffer.hasRemaining()) {
				channel.write(buffer);
			}
			channel.force(true);
		}
	}

}
