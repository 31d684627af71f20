package dev.unifiedplugins.actuate;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.unifiedplugins.actuate.PluginsEndpoint.PluginDetailDescriptor;
import dev.unifiedplugins.actuate.PluginsEndpoint.PluginsDescriptor;
import dev.unifiedplugins.concurrent.BoundedCalls;
import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.core.PluginExecutionMode;
import dev.unifiedplugins.core.PluginManager;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.inspection.PluginInspector;
import dev.unifiedplugins.testsupport.TestPlugins;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.annotation.JsonSerialize;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.actuate.endpoint.Sanitizer;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PluginsEndpoint}: its entries follow every change of a plugin, and its
 * answers are plain records.
 */
class PluginsEndpointTests {

	@TempDir
	Path dir;

	private final BoundedCalls calls = new BoundedCalls("test-plugins-call-", 4);

	private UnifiedPluginRegistry registry;

	private PluginsEndpoint endpoint;

	@BeforeEach
	void setUp() {
		this.registry = new UnifiedPluginRegistry(this.dir);
		this.registry.registerPluginManager("stt", new Manager("1.0.0"));
		this.endpoint = new PluginsEndpoint(this.registry,
				new PluginInspector(this.registry, this.calls, Duration.ofSeconds(5)), new Sanitizer(), Show.NEVER,
				Set.of(), 1.0, null);
	}

	@AfterEach
	void tearDown() {
		this.calls.close();
	}

	@Test
	void keptEntriesSerializeExactlyAsFreshOnes() {
		JsonMapper mapper = JsonMapper.builder().build();
		for (int i = 0; i < 3; i++) {
			PluginsDescriptor descriptor = this.endpoint.plugins(null);
			assertThat(mapper.writeValueAsString(descriptor)).isEqualTo(mapper.writeValueAsString(fresh(descriptor)));
		}
		assertThat(mapper.writeValueAsString(this.endpoint.plugins(null))).contains("\"uniqueId\":\"stt_static\"",
				"\"uniqueId\":\"stt_live\"", "\"pids\":[" + ProcessHandle.current().pid() + "]", "\"error\":");
	}

	@Test
	void anotherMapperSerializesEntriesItsOwnWay() {
		JsonMapper plain = JsonMapper.builder().build();
		JsonMapper indenting = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
		plain.writeValueAsString(this.endpoint.plugins(null));
		PluginsDescriptor descriptor = this.endpoint.plugins(null);
		assertThat(indenting.readTree(indenting.writeValueAsString(descriptor)))
			.isEqualTo(indenting.readTree(indenting.writeValueAsString(fresh(descriptor))));
		// Kept entries of the plain mapper are not reused: the indenting one indents every entry.
		assertThat(indenting.writeValueAsString(descriptor))
			.isEqualTo(indenting.writeValueAsString(fresh(descriptor)))
			.contains("\n    \"uniqueId\" : \"stt_static\"");
	}

	@Test
	void entriesFollowSavedConfigsAndReRegistration() {
		JsonMapper mapper = JsonMapper.builder().build();
		PluginsDescriptor unconfigured = this.endpoint.plugins(null);
		assertThat(mapper.writeValueAsString(unconfigured)).doesNotContain("\"configured\":true")
			.isEqualTo(mapper.writeValueAsString(fresh(unconfigured)));
		this.registry.savePluginConfig("stt_static", Map.of("model", "base"));
		PluginsDescriptor configured = this.endpoint.plugins(null);
		assertThat(mapper.writeValueAsString(configured)).contains("\"configured\":true")
			.isEqualTo(mapper.writeValueAsString(fresh(configured)));
		this.registry.registerPluginManager("stt", new Manager("2.0.0"));
		assertThat(mapper.writeValueAsString(this.endpoint.plugins(null))).contains("\"version\":\"2.0.0\"")
			.doesNotContain("\"version\":\"1.0.0\"");
	}

	@Test
	void entriesFollowPluginsThatMoveInTheList() {
		JsonMapper mapper = JsonMapper.builder().build();
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(this.dir.resolve("moving"));
		registry.registerPluginManager("llm", new Named("a", "b", "c"));
		registry.registerPluginManager("stt", new Manager("1.0.0"));
		PluginsEndpoint endpoint = new PluginsEndpoint(registry,
				new PluginInspector(registry, this.calls, Duration.ofSeconds(5)), new Sanitizer(), Show.NEVER,
				Set.of(), 1.0, null);
		mapper.writeValueAsString(endpoint.plugins(null));
		// Every later entry moves one place up, and then one down again.
		registry.registerPluginManager("llm", new Named("b", "c"));
		assertThat(mapper.writeValueAsString(endpoint.plugins(null))).doesNotContain("\"uniqueId\":\"llm_a\"");
		registry.registerPluginManager("llm", new Named("z", "b", "c"));
		PluginsDescriptor longer = endpoint.plugins(null);
		assertThat(mapper.writeValueAsString(longer)).contains("\"uniqueId\":\"llm_z\"");
		assertThat(longer.plugins()).extracting(PluginsEndpoint.PluginEntry::uniqueId)
			.containsExactly("llm_z", "llm_b", "llm_c", "stt_static", "stt_live", "stt_broken");
	}

	@Test
	void concurrentRequestsGetTheSameJson() throws Exception {
		JsonMapper mapper = JsonMapper.builder().build();
		String expected = mapper.writeValueAsString(this.endpoint.plugins(null));
		List<Callable<String>> requests = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			requests.add(() -> mapper.writeValueAsString(this.endpoint.plugins(null)));
		}
		ExecutorService pool = Executors.newFixedThreadPool(8);
		try {
			for (int round = 0; round < 20; round++) {
				for (Future<String> answer : pool.invokeAll(requests)) {
					assertThat(answer.get()).isEqualTo(expected);
				}
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void pluginsAreAPlainListOfEntries() {
		PluginsDescriptor descriptor = this.endpoint.plugins(null);
		assertThat(descriptor.plugins()).extracting(PluginsEndpoint.PluginEntry::uniqueId)
			.containsExactly("stt_static", "stt_live", "stt_broken");
		assertThat(descriptor.plugins()).isEqualTo(new ArrayList<>(descriptor.plugins()));
	}

	@Test
	void savedPathsTellSavedValuesFromDefaultsWhereBothAreMasked() {
		Map<String, Object> schema = Map.of("type", "object", "properties",
				Map.of("greeting", Map.of("type", "string", "default", "Hello"), "farewell",
						Map.of("type", "string", "default", "Bye"), "auth",
						Map.of("type", "object", "properties", Map.of("user", Map.of("type", "string"), "realm",
								Map.of("type", "string", "default", "main"))),
						"tags", Map.of("type", "array", "items", Map.of("type", "string"))));
		this.registry.registerPluginManager("greeter",
				() -> List.of(PluginDescriptor.builder("polite").configSchema(schema).build()));
		assertThat(this.endpoint.plugin("greeter_polite", SecurityContext.NONE).savedPaths()).isEmpty();

		Map<String, Object> saved = new LinkedHashMap<>();
		saved.put("greeting", "Bonjour");
		saved.put("auth", Map.of("user", "ops"));
		saved.put("tags", List.of("a", "b"));
		saved.put("a/b~c", Map.of());
		this.registry.savePluginConfig("greeter_polite", saved);
		PluginDetailDescriptor plugin = this.endpoint.plugin("greeter_polite", SecurityContext.NONE);

		// Under show-values=never a saved value and a default look the same in config...
		assertThat(plugin.config()).containsEntry("greeting", "******")
			.containsEntry("farewell", "******")
			.containsEntry("auth", Map.of("user", "******", "realm", "******"));
		// ...and savedPaths says which is which: keys only, objects looked into, arrays whole.
		assertThat(plugin.savedPaths()).containsExactly("/greeting", "/auth/user", "/tags", "/a~1b~0c");
		assertThat(JsonMapper.builder().build().writeValueAsString(plugin)).doesNotContain("Bonjour", "ops")
			.contains("\"savedPaths\":[\"/greeting\",\"/auth/user\",\"/tags\",\"/a~1b~0c\"]")
			// A key the schema does not declare (a typo, most likely) is named apart.
			.contains("\"undeclaredPaths\":[\"/a~1b~0c\"]");
		assertThat(plugin.undeclaredPaths()).containsExactly("/a~1b~0c");
	}

	/** The same answer with its entries in a plain list, serialized entry by entry. */
	private static PluginsDescriptor fresh(PluginsDescriptor descriptor) {
		return new PluginsDescriptor(descriptor.stats(), descriptor.categories(), descriptor.managedPids(),
				descriptor.cloudCost(), new ArrayList<>(descriptor.plugins()));
	}

	@Test
	void responseTypesArePlainRecords() {
		// Spring Boot registers the types an operation declares for a native image; the list
		// of entries and its serializer, found only on an instance, have hints of their own.
		for (Class<?> type : PluginsEndpoint.class.getDeclaredClasses()) {
			assertThat(type.isRecord()).as(type.getName()).isTrue();
			assertThat(type.getAnnotation(JsonSerialize.class)).as(type.getName()).isNull();
		}
	}

	/** A static plugin, a live one that manages this JVM, and one whose instance fails. */
	private static final class Manager implements PluginManager {

		private final String version;

		Manager(String version) {
			this.version = version;
		}

		@Override
		public List<PluginDescriptor> discoverPlugins() {
			return List.of(
					PluginDescriptor.builder("static")
						.version(this.version)
						.description("A \"quoted\" description \u00e9")
						.configSchema(Map.of("title", "Static"))
						.build(),
					PluginDescriptor.builder("live").executionMode(PluginExecutionMode.SUBPROCESS).build(),
					PluginDescriptor.builder("broken").build());
		}

		@Override
		public Optional<Object> getPlugin(String name) {
			return switch (name) {
				case "live" -> Optional.of(new TestPlugins.Lifecycle(() -> List.of(ProcessHandle.current().pid())));
				case "broken" -> Optional.of(new TestPlugins.Lifecycle(() -> {
					throw new IllegalStateException("cannot list processes");
				}));
				default -> Optional.empty();
			};
		}

	}

	/** Plugins with the given names and nothing loaded. */
	private static final class Named implements PluginManager {

		private final List<String> names;

		Named(String... names) {
			this.names = List.of(names);
		}

		@Override
		public List<PluginDescriptor> discoverPlugins() {
			return this.names.stream().map((name) -> PluginDescriptor.builder(name).build()).toList();
		}

		@Override
		public Optional<Object> getPlugin(String name) {
			return Optional.empty();
		}

	}

}
