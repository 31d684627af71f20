package dev.unifiedplugins.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;

import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.testsupport.TestPluginManager;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests that a config value JSON cannot hold, or that would not load back as it was saved,
 * is rejected, naming its path, and that the previous config stays as it was.
 */
class UnserializableConfigValueTests {

	private static final String SECRET = "sk-do-not-log-me";

	@TempDir
	Path configDir;

	UnifiedPluginRegistry registry;

	Path file;

	byte[] previous;

	@BeforeEach
	void saveAPreviousConfig() throws Exception {
		this.registry = new UnifiedPluginRegistry(this.configDir);
		this.registry.registerPluginManager("llm", TestPluginManager.of("llama3", "gpt4"));
		this.registry.savePluginConfig("llm_llama3", Map.of("threshold", 0.5));
		this.file = this.configDir.resolve("llm_llama3.json");
		this.previous = Files.readAllBytes(this.file);
	}

	static Stream<Arguments> unserializableConfigs() {
		Map<String, Object> selfContaining = new HashMap<>();
		selfContaining.put("self", selfContaining);
		return Stream.of(Arguments.of("scale", config("scale", new BigDecimal("1e400"))),
				Arguments.of("weights[1]", config("weights", List.of(1.0, new BigDecimal("-1e-400")))),
				Arguments.of("threshold", config("threshold", new BigDecimal("0.10000000000000000000001"))),
				Arguments.of("seed", config("seed", BigInteger.TEN.pow(4300))),
				Arguments.of("limits.seed", config("limits", config("seed", new BigDecimal(BigInteger.TEN.pow(4300))))),
				Arguments.of("prompt", config("prompt", "x".repeat(4 * 1024 * 1024 + 1))),
				Arguments.of("model.worker", config("model", config("worker", new Thread(() -> {
				})))),
				Arguments.of("model.options", config("model", config("options", Map.of(7, "seven")))),
				Arguments.of("device", config("device", Optional.of("cuda"))),
				Arguments.of("shape", config("shape", new int[] { 1, 2 })),
				Arguments.of("self", selfContaining));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("unserializableConfigs")
	void valueJsonCannotHoldIsRejectedNamingItsPath(String path, Map<String, Object> config) {
		assertThatIllegalArgumentException().isThrownBy(() -> this.registry.savePluginConfig("llm_llama3", config))
			.withMessageContaining("'" + path + "'")
			.withMessageContaining("llm_llama3");
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("unserializableConfigs")
	void storeRejectsTheValueToo(String path, Map<String, Object> config) {
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.configDir);
		assertThatIllegalArgumentException().isThrownBy(() -> store.save("llm_llama3", config))
			.withMessageContaining("'" + path + "'");
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("unserializableConfigs")
	void previousConfigIsUnchanged(String path, Map<String, Object> config) throws Exception {
		assertThatIllegalArgumentException().isThrownBy(() -> this.registry.savePluginConfig("llm_llama3", config));
		assertThat(this.file).hasBinaryContent(this.previous);
		assertThat(this.registry.loadPluginConfig("llm_llama3")).isEqualTo(Map.of("threshold", 0.5));
		assertThat(this.registry.getPlugin("llm_llama3").orElseThrow().configured()).isTrue();
		try (Stream<Path> files = Files.list(this.configDir)) {
			assertThat(files.map((entry) -> entry.getFileName().toString())
				.filter((name) -> !name.equals(".locks") && !name.equals(".history"))).containsExactly("llm_llama3.json");
		}
		assertThat(this.registry.getConfigHistory("llm_llama3")).as("the refused save is not an entry").hasSize(1);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("unserializableConfigs")
	void unconfiguredPluginStaysUnconfigured(String path, Map<String, Object> config) {
		assertThatIllegalArgumentException().isThrownBy(() -> this.registry.savePluginConfig("llm_gpt4", config));
		assertThat(this.configDir.resolve("llm_gpt4.json")).doesNotExist();
		assertThat(this.registry.getPlugin("llm_gpt4").orElseThrow().configured()).isFalse();
	}

	@Test
	void messageDoesNotRevealOtherValues() {
		Map<String, Object> config = new LinkedHashMap<>();
		config.put("api_key", SECRET);
		config.put("limits", config("rate", new BigDecimal("1e400")));
		assertThatIllegalArgumentException().isThrownBy(() -> this.registry.savePluginConfig("llm_llama3", config))
			.withMessageContaining("'limits.rate'")
			.withMessageNotContaining(SECRET);
	}

	@Test
	void everyKindOfJsonValueIsAccepted() {
		Map<String, Object> config = new LinkedHashMap<>();
		config.put("string", "s");
		config.put("int", 1);
		config.put("long", Long.MAX_VALUE);
		config.put("double", -0.125);
		config.put("bool", true);
		config.put("null", null);
		config.put("list", List.of(List.of(), Map.of()));
		config.put("set", new TreeSet<>(List.of("a", "b")));
		config.put("max", Double.MAX_VALUE);
		config.put("nan", Double.NaN);
		config.put("infinity", Float.POSITIVE_INFINITY);
		config.put("big", BigInteger.TWO.pow(100));
		config.put("decimal", new BigDecimal("2.5"));
		assertThat(this.registry.savePluginConfig("llm_llama3", config)).isTrue();
		Map<String, Object> loaded = this.registry.loadPluginConfig("llm_llama3");
		assertThat(loaded).containsEntry("long", Long.MAX_VALUE)
			.containsEntry("set", List.of("a", "b"))
			.containsEntry("max", Double.MAX_VALUE)
			.containsEntry("null", null)
			.containsEntry("nan", Double.NaN)
			.containsEntry("infinity", Double.POSITIVE_INFINITY)
			.containsEntry("big", BigInteger.TWO.pow(100))
			.containsEntry("decimal", 2.5);
	}

	@Test
	void configNestedDeeperThanJsonAllowsIsRejectedAndTheDeepestAllowedRoundTrips() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.registry.savePluginConfig("llm_llama3", nested(501)))
			.withMessageContaining("'" + "a.".repeat(499) + "a'")
			.withMessageContaining("500");
		assertThat(this.file).hasBinaryContent(this.previous);
		assertThat(this.registry.savePluginConfig("llm_llama3", nested(500))).isTrue();
		assertThat(this.registry.loadPluginConfig("llm_llama3")).isEqualTo(nested(500));
	}

	/** Maps nested {@code levels} deep, the outermost being the config itself. */
	private static Map<String, Object> nested(int levels) {
		Map<String, Object> config = new HashMap<>();
		Map<String, Object> current = config;
		for (int level = 1; level < levels; level++) {
			Map<String, Object> inner = new HashMap<>();
			current.put("a", inner);
			current = inner;
		}
		return config;
	}

	private static Map<String, Object> config(String key, Object value) {
		Map<String, Object> config = new LinkedHashMap<>();
		config.put(key, value);
		return config;
	}

}
