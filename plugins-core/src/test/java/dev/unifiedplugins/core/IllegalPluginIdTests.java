package dev.unifiedplugins.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.unifiedplugins.config.FileSystemPluginConfigStore;
import dev.unifiedplugins.config.PluginIds;
import dev.unifiedplugins.testsupport.TestPluginManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests that illegal categories, plugin names and unique ids are rejected, naming the id,
 * before they touch the file system.
 */
class IllegalPluginIdTests {

	@TempDir
	Path tempDir;

	Path configDir;

	UnifiedPluginRegistry registry;

	FileSystemPluginConfigStore store;

	static Stream<String> illegalIds() {
		return Stream.of("../x", "a/b", "", "x".repeat(129), ".hidden", "a..b", "..", "/etc/passwd", "a\\b",
				"a b", "a\u0000b", "a\nb", "whisper:tiny", "caf\u00e9", "a*", "~root");
	}

	@BeforeEach
	void createRegistry() throws IOException {
		this.configDir = this.tempDir.resolve("app/configs");
		this.store = new FileSystemPluginConfigStore(this.configDir);
		this.registry = new UnifiedPluginRegistry(this.store);
	}

	@AfterEach
	void nothingWasWrittenOutsideTheConfigDirectory() throws IOException {
		List<Path> written;
		try (Stream<Path> files = Files.walk(this.tempDir)) {
			written = files.filter((path) -> !path.equals(this.tempDir)).map(this.tempDir::relativize).toList();
		}
		// The store's lock files and histories are inside the config directory, the
		// histories in directories named by legal ids.
		Path locks = Path.of("app/configs/.locks");
		Path histories = Path.of("app/configs/.history");
		assertThat(written).filteredOn((path) -> !path.startsWith(locks) && !path.startsWith(histories))
			.containsExactlyInAnyOrder(Path.of("app"), Path.of("app/configs"));
		assertThat(written).filteredOn((path) -> path.startsWith(histories) && path.getNameCount() > 3)
			.allSatisfy((path) -> assertThat(PluginIds.isValid(path.getName(3).toString())).as(path.toString()).isTrue());
	}

	@ParameterizedTest
	@MethodSource("illegalIds")
	void registryRejectsIllegalUniqueIdsNamingThem(String id) {
		assertThatIllegalArgumentException().isThrownBy(() -> this.registry.savePluginConfig(id, Map.of("k", "v")))
			.withMessageContaining(named(id));
		assertThatIllegalArgumentException().isThrownBy(() -> this.registry.loadPluginConfig(id))
			.withMessageContaining(named(id));
		assertThatIllegalArgumentException().isThrownBy(() -> this.registry.deletePluginConfig(id))
			.withMessageContaining(named(id));
	}

	@ParameterizedTest
	@MethodSource("illegalIds")
	void storeRejectsIllegalUniqueIdsNamingThem(String id) {
		assertThatIllegalArgumentException().isThrownBy(() -> this.store.save(id, Map.of("k", "v")))
			.withMessageContaining(named(id));
		assertThatIllegalArgumentException().isThrownBy(() -> this.store.load(id)).withMessageContaining(named(id));
		assertThatIllegalArgumentException().isThrownBy(() -> this.store.delete(id))
			.withMessageContaining(named(id));
		assertThatIllegalArgumentException().isThrownBy(() -> this.store.exists(id))
			.withMessageContaining(named(id));
		assertThatIllegalArgumentException().isThrownBy(() -> this.store.pathOf(id))
			.withMessageContaining(named(id));
	}

	@ParameterizedTest
	@MethodSource("illegalIds")
	void illegalCategoryIsRejectedAtRegistration(String category) {
		TestPluginManager manager = TestPluginManager.of("whisper_tiny");
		assertThatIllegalArgumentException().isThrownBy(() -> this.registry.registerPluginManager(category, manager))
			.withMessageContaining(named(category));
		assertThat(this.registry.getCategories()).isEmpty();
		assertThat(this.registry.getAllPlugins()).isEmpty();
	}

	@ParameterizedTest
	@MethodSource("illegalIds")
	void illegalPluginNameIsRejectedAtRegistration(String name) {
		TestPluginManager manager = new TestPluginManager(PluginDescriptor.builder("whisper_tiny").build(),
				PluginDescriptor.builder(name).build());
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.registry.registerPluginManager("transcription", manager))
			.withMessageContaining(named(name))
			.withMessageContaining("transcription");
		assertThat(this.registry.getCategories()).isEmpty();
		assertThat(this.registry.getAllPlugins()).isEmpty();
		assertThat(this.registry.getRegistrationFailures()).containsOnlyKeys("transcription");
	}

	@Test
	void nullIdsAreRejected() {
		assertThatExceptionOfType(NullPointerException.class).isThrownBy(() -> this.registry.loadPluginConfig(null))
			.withMessageContaining("unique id");
		assertThatExceptionOfType(NullPointerException.class).isThrownBy(() -> this.store.load(null))
			.withMessageContaining("unique id");
		assertThatExceptionOfType(NullPointerException.class)
			.isThrownBy(() -> this.registry.registerPluginManager(null, TestPluginManager.of("p")))
			.withMessageContaining("category");
	}

	@Test
	void idOf128CharactersIsAccepted() {
		String id = "a".repeat(120) + "_b.c-d9Z";
		assertThat(id).hasSize(128);
		assertThat(this.registry.savePluginConfig(id, Map.of("k", "v"))).isTrue();
		assertThat(this.registry.loadPluginConfig(id)).isEqualTo(Map.of("k", "v"));
		assertThat(this.store.exists(id)).isTrue();
		assertThat(this.store.ids()).containsExactly(id);
		assertThat(this.registry.deletePluginConfig(id)).isTrue();
		assertThat(this.store.exists(id)).isFalse();
	}

	@Test
	void uniqueIdOf128CharactersIsAcceptedAtRegistration() {
		String category = "c".repeat(60);
		String name = "n".repeat(67);
		List<PluginMetadata> registered = this.registry.registerPluginManager(category, TestPluginManager.of(name));
		assertThat(registered).singleElement()
			.satisfies((plugin) -> assertThat(plugin.uniqueId()).hasSize(128));
		assertThat(this.registry.getPlugin(category + "_" + name)).isPresent();
	}

	@Test
	void uniqueIdLongerThan128CharactersIsRejectedAtRegistrationNamingIt() {
		String category = "c".repeat(64);
		String name = "n".repeat(64);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.registry.registerPluginManager(category, TestPluginManager.of(name)))
			.withMessageContaining("unique id")
			.withMessageContaining(named(category + "_" + name))
			.withMessageContaining("129");
		assertThat(this.registry.getCategories()).isEmpty();
	}

	@Test
	void dotsAndDashesInsideIdsAreLegal() {
		this.registry.registerPluginManager("llm-v2", TestPluginManager.of("llama.3-8b"));
		assertThat(this.registry.savePluginConfig("llm-v2_llama.3-8b", Map.of("k", "v"))).isTrue();
		assertThat(this.configDir.resolve("llm-v2_llama.3-8b.json")).isRegularFile();
		assertThat(this.registry.getPlugin("llm-v2_llama.3-8b").orElseThrow().configured()).isTrue();
		this.registry.deletePluginConfig("llm-v2_llama.3-8b");
	}

	/**
	 * How a message names an id: quoted, control characters escaped, and cut after 64
	 * characters when longer.
	 */
	private static String named(String id) {
		if (id.length() > 64) {
			return "'" + id.substring(0, 64);
		}
		return "'" + id.replace("\u0000", "\\u0000").replace("\n", "\\u000a") + "'";
	}

}
