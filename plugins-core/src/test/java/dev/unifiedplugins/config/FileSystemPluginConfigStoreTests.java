package dev.unifiedplugins.config;

import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.testsupport.TestPluginManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.entry;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests for {@link FileSystemPluginConfigStore} on real files.
 */
class FileSystemPluginConfigStoreTests {

	@TempDir
	Path tempDir;

	@Test
	void savedConfigIsATwoSpaceIndentedUtf8JsonObjectNamedAfterTheUniqueId() throws Exception {
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.tempDir);
		Map<String, Object> config = new LinkedHashMap<>();
		config.put("device", "cpu");
		config.put("n", 1.5);
		config.put("prompt", "Grüße ☕");
		config.put("vad", Map.of("enabled", true));
		store.save("transcription_whisper_tiny", config);
		Path file = this.tempDir.resolve("transcription_whisper_tiny.json");
		assertThat(store.pathOf("transcription_whisper_tiny")).isEqualTo(file.toAbsolutePath().normalize());
		byte[] bytes = Files.readAllBytes(file);
		assertThat(new String(bytes, StandardCharsets.UTF_8).replace("\r\n", "\n")).isEqualTo("""
				{
				  "device": "cpu",
				  "n": 1.5,
				  "prompt": "Grüße ☕",
				  "vad": {
				    "enabled": true
				  }
				}""");
		assertThat(bytes).containsSequence("Grüße ☕".getBytes(StandardCharsets.UTF_8));
	}

	@Test
	void savedConfigIsLoadedBackWithItsTypesAndKeyOrder() {
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.tempDir);
		Map<String, Object> config = new LinkedHashMap<>();
		config.put("z_last_alphabetically", "first");
		config.put("count", 3);
		config.put("big", 12_345_678_901L);
		config.put("ratio", 0.25);
		config.put("enabled", false);
		config.put("nothing", null);
		config.put("list", List.of(1, "two", List.of(3.5), Map.of("k", "v")));
		config.put("empty", Map.of());
		store.save("llm_llama3", config);
		Map<String, Object> loaded = store.load("llm_llama3").orElseThrow();
		assertThat(loaded).isEqualTo(config);
		assertThat(loaded.keySet()).containsExactlyElementsOf(config.keySet());
	}

	@Test
	void fileWrittenByPythonJsonDumpIsRead() throws Exception {
		// json.dump(config, f, indent=2): ASCII escapes, arrays over several lines, exponents
		Files.writeString(this.tempDir.resolve("transcription_whisper_tiny.json"), """
				{
				  "device": "cpu",
				  "n": 1.5,
				  "prompt": "Gr\\u00fc\\u00dfe \\u2615",
				  "langs": [
				    "en",
				    "de"
				  ],
				  "tiny": 1e-05,
				  "huge": 123456789012345678901234567890,
				  "beam": 5,
				  "extra": null,
				  "vad": {},
				  "flags": []
				}
				""", StandardCharsets.UTF_8);
		Map<String, Object> config = new FileSystemPluginConfigStore(this.tempDir).load("transcription_whisper_tiny")
			.orElseThrow();
		assertThat(config).containsExactly(entry("device", "cpu"), entry("n", 1.5), entry("prompt", "Grüße ☕"),
				entry("langs", List.of("en", "de")), entry("tiny", 1e-05),
				entry("huge", new BigInteger("123456789012345678901234567890")), entry("beam", 5),
				entry("extra", null), entry("vad", Map.of()), entry("flags", List.of()));
	}

	@Test
	void loadOfAnIdWithoutConfigIsEmpty() {
		assertThat(new FileSystemPluginConfigStore(this.tempDir).load("llm_llama3")).isEmpty();
	}

	@Test
	void existsAndDeleteFollowTheFile() {
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.tempDir);
		assertThat(store.exists("llm_llama3")).isFalse();
		store.save("llm_llama3", Map.of("model", "8b"));
		assertThat(store.exists("llm_llama3")).isTrue();
		assertThat(store.delete("llm_llama3")).isTrue();
		assertThat(store.exists("llm_llama3")).isFalse();
		assertThat(this.tempDir.resolve("llm_llama3.json")).doesNotExist();
		assertThat(store.delete("llm_llama3")).isFalse();
	}

	@Test
	void idsAreThoseWithAConfigFileAndNothingElse() throws Exception {
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.tempDir);
		store.save("llm_llama3", Map.of());
		store.save("transcription_whisper_tiny", Map.of());
		Files.writeString(this.tempDir.resolve("README.txt"), "not a config");
		Files.writeString(this.tempDir.resolve(".hidden.json"), "{}");
		Files.writeString(this.tempDir.resolve("has space.json"), "{}");
		Files.writeString(this.tempDir.resolve("llm_gpt4.json.bak"), "{}");
		assertThat(store.ids()).containsExactlyInAnyOrder("llm_llama3", "transcription_whisper_tiny");
	}

	@Test
	void directoryNamedLikeAConfigFileIsNotAConfig() throws Exception {
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.tempDir);
		Files.createDirectories(this.tempDir.resolve("llm_llama3.json"));
		assertThat(store.exists("llm_llama3")).isFalse();
		assertThat(store.ids()).doesNotContain("llm_llama3");
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(store);
		registry.registerPluginManager("llm", TestPluginManager.of("llama3"));
		assertThat(registry.getPlugin("llm_llama3").orElseThrow().configured()).isFalse();
	}

	@Test
	void missingDirectoryIsCreatedWithItsParents() {
		Path dir = this.tempDir.resolve("app/data/configs");
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(dir);
		assertThat(dir).isDirectory();
		assertThat(store.getDirectory()).isEqualTo(dir.toAbsolutePath().normalize());
		store.save("llm_llama3", Map.of("model", "8b"));
		assertThat(dir.resolve("llm_llama3.json")).isRegularFile();
	}

	@Test
	void registryCreatesAMissingConfigDirectory() {
		Path dir = this.tempDir.resolve("configs");
		new UnifiedPluginRegistry(dir);
		assertThat(dir).isDirectory();
	}

	@Test
	void configDirectoryThatIsARegularFileIsRejectedNamingThePath() throws Exception {
		Path file = Files.writeString(this.tempDir.resolve("configs"), "I am a file");
		String path = file.toAbsolutePath().normalize().toString();
		assertThatIllegalArgumentException().isThrownBy(() -> new FileSystemPluginConfigStore(file))
			.withMessageContaining(path);
		assertThatIllegalArgumentException().isThrownBy(() -> new UnifiedPluginRegistry(file))
			.withMessageContaining(path);
		assertThat(file).hasContent("I am a file");
	}

	@Test
	void configDirectoryThatCannotBeCreatedIsAnIoErrorNamingThePath() throws Exception {
		Path file = Files.writeString(this.tempDir.resolve("data"), "I am a file");
		Path dir = file.resolve("configs");
		assertThatExceptionOfType(UncheckedIOException.class).isThrownBy(() -> new FileSystemPluginConfigStore(dir))
			.withMessageContaining(dir.toAbsolutePath().normalize().toString());
		assertThat(file).hasContent("I am a file");
	}

	@Test
	void createdDirectoryAndFilesAreReadableByTheOwnerOnly() throws Exception {
		assumeTrue(this.tempDir.getFileSystem().supportedFileAttributeViews().contains("posix"));
		Path dir = this.tempDir.resolve("configs");
		new FileSystemPluginConfigStore(dir).save("llm_llama3", Map.of("api_key", "secret"));
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("llm_llama3.json"))))
			.isEqualTo("rw-------");
	}

	@Test
	void saveLeavesNoTemporaryFile() throws Exception {
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.tempDir);
		store.save("llm_llama3", Map.of("model", "8b"));
		store.save("llm_llama3", Map.of("model", "70b"));
		try (var entries = Files.list(this.tempDir)) {
			assertThat(entries.map((entry) -> entry.getFileName().toString())).containsExactly("llm_llama3.json");
		}
	}

	@Test
	void temporaryFileOfAWriterThatDiedIsRemovedWhenTheDirectoryIsOpened() throws Exception {
		Process writer = new ProcessBuilder("sh", "-c", "exit 0").start();
		assertThat(writer.waitFor(10, TimeUnit.SECONDS)).isTrue();
		Path stale = Files.writeString(this.tempDir.resolve(".llm_llama3.json." + writer.pid() + ".k3x9.tmp"), "{\"mo");
		Path live = Files.writeString(
				this.tempDir.resolve(".llm_gpt4.json." + ProcessHandle.current().pid() + ".a1b2.tmp"), "{\"mo");
		Path other = Files.writeString(this.tempDir.resolve(".keep"), "not ours");
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.tempDir);
		assertThat(stale).doesNotExist();
		assertThat(live).exists();
		assertThat(other).exists();
		assertThat(store.ids()).isEmpty();
	}

}
