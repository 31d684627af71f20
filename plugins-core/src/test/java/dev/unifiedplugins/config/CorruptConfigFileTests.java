package dev.unifiedplugins.config;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import dev.unifiedplugins.config.PluginConfigChange.Kind;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.testsupport.SpecialFiles;
import dev.unifiedplugins.testsupport.TestPluginManager;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests that a corrupt config file is an error naming the file, affects no other plugin,
 * and is left as it was; and that one that cannot be read at all affects no other plugin
 * either.
 */
class CorruptConfigFileTests {

	@TempDir
	Path configDir;

	UnifiedPluginRegistry registry;

	Path corrupt;

	@BeforeEach
	void registerPlugins() {
		this.registry = new UnifiedPluginRegistry(this.configDir);
		this.registry.registerPluginManager("llm", TestPluginManager.of("llama3", "gpt4"));
		this.registry.savePluginConfig("llm_gpt4", Map.of("model", "gpt-4o"));
		this.corrupt = this.configDir.resolve("llm_llama3.json");
	}

	static Stream<Arguments> corruptContents() {
		return Stream.of(Arguments.of("invalid JSON", utf8("{\n  \"device\": \"cpu\",\n")),
				Arguments.of("unquoted key", utf8("{device: \"cpu\"}")),
				Arguments.of("trailing content", utf8("{\"device\": \"cpu\"} {\"device\": \"gpu\"}")),
				Arguments.of("empty file", new byte[0]), Arguments.of("only whitespace", utf8(" \n\t\n")),
				Arguments.of("JSON array", utf8("[\n  \"cpu\"\n]")), Arguments.of("JSON string", utf8("\"cpu\"")),
				Arguments.of("JSON null", utf8("null")), Arguments.of("JSON number", utf8("42")),
				Arguments.of("nested too deep", utf8("{\"a\": ".repeat(2000) + "1" + "}".repeat(2000))),
				Arguments.of("Latin-1, not UTF-8",
						"{\"speaker\": \"Zoë\"}".getBytes(StandardCharsets.ISO_8859_1)),
				Arguments.of("binary", new byte[] { 0x7b, (byte) 0xff, (byte) 0xfe, 0x00, 0x7d }));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("corruptContents")
	void loadingACorruptConfigIsAnErrorNamingTheFile(String kind, byte[] content) throws Exception {
		Files.write(this.corrupt, content);
		assertThatExceptionOfType(PluginConfigException.class)
			.isThrownBy(() -> this.registry.loadPluginConfig("llm_llama3"))
			.withMessageContaining(this.corrupt.toString())
			.satisfies((ex) -> assertThat(ex.getPath()).isEqualTo(this.corrupt));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("corruptContents")
	void storeReportsTheCorruptFileToo(String kind, byte[] content) throws Exception {
		Files.write(this.corrupt, content);
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.configDir);
		assertThatExceptionOfType(PluginConfigException.class).isThrownBy(() -> store.load("llm_llama3"))
			.withMessageContaining(this.corrupt.toString());
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("corruptContents")
	void corruptConfigDoesNotAffectOtherPlugins(String kind, byte[] content) throws Exception {
		Files.write(this.corrupt, content);
		assertThatExceptionOfType(PluginConfigException.class)
			.isThrownBy(() -> this.registry.loadPluginConfig("llm_llama3"));
		assertThat(this.registry.loadPluginConfig("llm_gpt4")).isEqualTo(Map.of("model", "gpt-4o"));
		assertThat(this.registry.getAllPlugins()).hasSize(2);
		UnifiedPluginRegistry restarted = new UnifiedPluginRegistry(this.configDir);
		restarted.registerPluginManager("llm", TestPluginManager.of("llama3", "gpt4"));
		assertThat(restarted.getPlugin("llm_gpt4").orElseThrow().configured()).isTrue();
		assertThat(restarted.loadPluginConfig("llm_gpt4")).isEqualTo(Map.of("model", "gpt-4o"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("corruptContents")
	void corruptConfigIsLeftAsItWas(String kind, byte[] content) throws Exception {
		Files.write(this.corrupt, content);
		assertThatExceptionOfType(PluginConfigException.class)
			.isThrownBy(() -> this.registry.loadPluginConfig("llm_llama3"));
		new UnifiedPluginRegistry(this.configDir).registerPluginManager("llm", TestPluginManager.of("llama3"));
		assertThat(this.corrupt).hasBinaryContent(content);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("corruptContents")
	void savingReplacesACorruptConfig(String kind, byte[] content) throws Exception {
		Files.write(this.corrupt, content);
		assertThat(this.registry.savePluginConfig("llm_llama3", Map.of("model", "8b"))).isTrue();
		assertThat(this.registry.loadPluginConfig("llm_llama3")).isEqualTo(Map.of("model", "8b"));
	}

	@Test
	void aFileThatCannotBeReadIsUnreadableAndChangesOfOtherPluginsAreStillFollowed() throws Exception {
		assumeTrue(SpecialFiles.unreadable(this.corrupt), "no file here refuses reads");
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.configDir);
		assertThat(store.revisions()).containsEntry("llm_llama3", "unreadable").containsKey("llm_gpt4");
		assertThatExceptionOfType(UncheckedIOException.class)
			.isThrownBy(() -> this.registry.loadPluginConfig("llm_llama3"))
			.withMessageContaining(this.corrupt.toString());
		// As another instance or a person would change it.
		store.save("llm_gpt4", Map.of("model", "gpt-5"));
		assertThat(this.registry.refreshConfigurations()).extracting(PluginConfigChange::uniqueId, PluginConfigChange::kind)
			.contains(tuple("llm_gpt4", Kind.SAVED));
		assertThat(this.registry.loadPluginConfig("llm_gpt4")).isEqualTo(Map.of("model", "gpt-5"));
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
