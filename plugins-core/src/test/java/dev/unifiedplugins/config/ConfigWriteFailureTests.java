package dev.unifiedplugins.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.testsupport.TestPluginManager;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests that an I/O failure while saving or deleting a config makes the registry return
 * false, not throw, and leaves what is on disk as it was. The failures are provoked in
 * ways that also work for root, whom permissions do not stop.
 */
class ConfigWriteFailureTests {

	@TempDir
	Path tempDir;

	Path configDir;

	UnifiedPluginRegistry registry;

	@BeforeEach
	void createRegistry() {
		this.configDir = this.tempDir.resolve("configs");
		this.registry = new UnifiedPluginRegistry(this.configDir);
		this.registry.registerPluginManager("llm", TestPluginManager.of("llama3", "gpt4"));
	}

	@Test
	void saveReturnsFalseWhenTheTargetIsANonEmptyDirectory() throws Exception {
		Path blocker = Files.createDirectories(this.configDir.resolve("llm_llama3.json"));
		Path inside = Files.writeString(blocker.resolve("keep.txt"), "keep me");
		assertThat(this.registry.savePluginConfig("llm_llama3", Map.of("model", "8b"))).isFalse();
		assertThat(blocker).isDirectory();
		assertThat(inside).hasContent("keep me");
		assertThat(this.registry.getPlugin("llm_llama3").orElseThrow().configured()).isFalse();
		assertThat(namesIn(this.configDir)).containsExactly("llm_llama3.json");
	}

	@Test
	void storeSaveThrowsAnIoErrorNamingTheFile() throws Exception {
		Path blocker = Files.createDirectories(this.configDir.resolve("llm_llama3.json"));
		Files.writeString(blocker.resolve("keep.txt"), "keep me");
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.configDir);
		assertThatExceptionOfType(UncheckedIOException.class)
			.isThrownBy(() -> store.save("llm_llama3", Map.of("model", "8b")))
			.withMessageContaining(blocker.toString());
	}

	@Test
	void saveReturnsFalseWhenTheConfigDirectoryWasReplacedByAFile() throws Exception {
		assertThat(this.registry.savePluginConfig("llm_llama3", Map.of("model", "8b"))).isTrue();
		deleteRecursively(this.configDir);
		Files.writeString(this.configDir, "not a directory");
		assertThat(this.registry.savePluginConfig("llm_llama3", Map.of("model", "70b"))).isFalse();
		assertThat(this.registry.savePluginConfig("llm_gpt4", Map.of("model", "gpt-4o"))).isFalse();
		assertThat(this.configDir).isRegularFile().hasContent("not a directory");
		assertThat(this.registry.getPlugin("llm_llama3").orElseThrow().configured()).isTrue();
		assertThat(this.registry.getPlugin("llm_gpt4").orElseThrow().configured()).isFalse();
		assertThat(namesIn(this.tempDir)).containsExactly("configs");
	}

	@Test
	void deleteReturnsFalseWhenTheConfigCannotBeRemoved() throws Exception {
		Path blocker = Files.createDirectories(this.configDir.resolve("llm_llama3.json"));
		Path inside = Files.writeString(blocker.resolve("keep.txt"), "keep me");
		assertThat(this.registry.deletePluginConfig("llm_llama3")).isFalse();
		assertThat(inside).hasContent("keep me");
	}

	@Test
	void failedDeleteKeepsThePluginConfigured() throws Exception {
		assertThat(this.registry.savePluginConfig("llm_llama3", Map.of("model", "8b"))).isTrue();
		byte[] saved = Files.readAllBytes(this.configDir.resolve("llm_llama3.json"));
		// Move the config away, block its name, delete fails, put it back: it must be intact
		Path aside = this.tempDir.resolve("aside.json");
		Files.move(this.configDir.resolve("llm_llama3.json"), aside);
		Path blocker = Files.createDirectories(this.configDir.resolve("llm_llama3.json"));
		Files.writeString(blocker.resolve("keep.txt"), "keep me");
		assertThat(this.registry.deletePluginConfig("llm_llama3")).isFalse();
		assertThat(this.registry.getPlugin("llm_llama3").orElseThrow().configured()).isTrue();
		deleteRecursively(blocker);
		Files.move(aside, this.configDir.resolve("llm_llama3.json"));
		assertThat(this.configDir.resolve("llm_llama3.json")).hasBinaryContent(saved);
		assertThat(this.registry.loadPluginConfig("llm_llama3")).isEqualTo(Map.of("model", "8b"));
	}

	@Test
	void saveWorksAgainOnceTheFailureIsGone() throws Exception {
		Path blocker = Files.createDirectories(this.configDir.resolve("llm_llama3.json"));
		Files.writeString(blocker.resolve("keep.txt"), "keep me");
		assertThat(this.registry.savePluginConfig("llm_llama3", Map.of("model", "8b"))).isFalse();
		deleteRecursively(blocker);
		assertThat(this.registry.savePluginConfig("llm_llama3", Map.of("model", "8b"))).isTrue();
		assertThat(this.registry.getPlugin("llm_llama3").orElseThrow().configured()).isTrue();
		assertThat(this.registry.loadPluginConfig("llm_llama3")).isEqualTo(Map.of("model", "8b"));
	}

	private static List<String> namesIn(Path dir) throws IOException {
		try (Stream<Path> entries = Files.list(dir)) {
			return entries.map((entry) -> entry.getFileName().toString()).filter((name) -> !name.equals(".locks")).toList();
		}
	}

	private static void deleteRecursively(Path path) throws IOException {
		try (Stream<Path> paths = Files.walk(path)) {
			for (Path each : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.delete(each);
			}
		}
	}

}
