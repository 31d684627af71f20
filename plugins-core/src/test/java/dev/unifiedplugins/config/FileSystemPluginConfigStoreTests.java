package dev.unifiedplugins.config;

import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.testsupport.SpecialFiles;
import dev.unifiedplugins.testsupport.TestPluginManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.entry;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests for {@link FileSystemPluginConfigStore} on real files.
 */
class FileSystemPluginConfigStoreTests {

	@TempDir
	Path tempDir;

	@Test
	void savedConfigIsATwoSpaceIndentedAsciiJsonObjectNamedAfterTheUniqueId() throws Exception {
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.tempDir);
		Map<String, Object> config = new LinkedHashMap<>();
		config.put("device", "cpu");
		config.put("n", 1.5);
		config.put("prompt", "Grüße ☕ 😀");
		config.put("vad", Map.of("enabled", true));
		store.save("transcription_whisper_tiny", config);
		Path file = this.tempDir.resolve("transcription_whisper_tiny.json");
		assertThat(store.pathOf("transcription_whisper_tiny")).isEqualTo(file.toAbsolutePath().normalize());
		byte[] bytes = Files.readAllBytes(file);
		// Non-ASCII characters escaped as Python's json.dump escapes them, so that Python
		// reads the file in any locale. Decoded as US-ASCII, any other byte would not match.
		assertThat(new String(bytes, StandardCharsets.US_ASCII).replace("\r\n", "\n")).isEqualTo("""
				{
				  "device": "cpu",
				  "n": 1.5,
				  "prompt": "Gr\\u00fc\\u00dfe \\u2615 \\ud83d\\ude00",
				  "vad": {
				    "enabled": true
				  }
				}""");
		assertThat(store.load("transcription_whisper_tiny").orElseThrow()).containsEntry("prompt", "Grüße ☕ 😀");
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
		// json.dump(config, f, indent=2): ASCII escapes, arrays over several lines, exponents,
		// NaN and infinities as bare words
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
				  "flags": [],
				  "threshold": NaN,
				  "ceiling": Infinity,
				  "floor": -Infinity
				}
				""", StandardCharsets.UTF_8);
		Map<String, Object> config = new FileSystemPluginConfigStore(this.tempDir).load("transcription_whisper_tiny")
			.orElseThrow();
		assertThat(config).containsExactly(entry("device", "cpu"), entry("n", 1.5), entry("prompt", "Grüße ☕"),
				entry("langs", List.of("en", "de")), entry("tiny", 1e-05),
				entry("huge", new BigInteger("123456789012345678901234567890")), entry("beam", 5),
				entry("extra", null), entry("vad", Map.of()), entry("flags", List.of()), entry("threshold", Double.NaN),
				entry("ceiling", Double.POSITIVE_INFINITY), entry("floor", Double.NEGATIVE_INFINITY));
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
			assertThat(entries.map((entry) -> entry.getFileName().toString())
				.filter((name) -> !name.equals(".locks") && !name.equals(".history"))).containsExactly("llm_llama3.json");
		}
		try (var entries = Files.walk(this.tempDir.resolve(".history"))) {
			assertThat(entries.map((entry) -> entry.getFileName().toString())).noneMatch((name) -> name.endsWith(".tmp"));
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

	@Test
	void nonFiniteNumbersAreSavedAsPythonWritesThemAndLoadBack() throws Exception {
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.tempDir);
		Map<String, Object> config = new LinkedHashMap<>();
		config.put("threshold", Double.NaN);
		config.put("ceiling", Double.POSITIVE_INFINITY);
		config.put("floor", Float.NEGATIVE_INFINITY);
		store.save("llm_llama3", config);
		assertThat(this.tempDir.resolve("llm_llama3.json")).content(StandardCharsets.US_ASCII)
			.contains("\"threshold\": NaN,", "\"ceiling\": Infinity,", "\"floor\": -Infinity");
		assertThat(store.load("llm_llama3").orElseThrow()).containsExactly(entry("threshold", Double.NaN),
				entry("ceiling", Double.POSITIVE_INFINITY), entry("floor", Double.NEGATIVE_INFINITY));
	}

	@Test
	void whatWasLoadedSavesAgainUnchanged() throws Exception {
		Files.writeString(this.tempDir.resolve("llm_llama3.json"), """
				{"nan": NaN, "inf": -Infinity, "big": -123456789012345678901234567890, "tiny": 5e-324,
				 "max": 1.7976931348623157e308, "neg_zero": -0.0, "text": "\\u65e5\\u672c \\ud83d\\ude00"}
				""");
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.tempDir);
		Map<String, Object> loaded = store.load("llm_llama3").orElseThrow();
		store.save("llm_llama3", loaded);
		byte[] written = Files.readAllBytes(this.tempDir.resolve("llm_llama3.json"));
		assertThat(store.load("llm_llama3").orElseThrow()).isEqualTo(loaded);
		store.save("llm_llama3", store.load("llm_llama3").orElseThrow());
		assertThat(this.tempDir.resolve("llm_llama3.json")).hasBinaryContent(written);
	}

	@Test
	void numbersLoadBackWithTheirExactValue() {
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.tempDir);
		BigInteger pythonsLongest = BigInteger.TEN.pow(4299).multiply(BigInteger.valueOf(9));
		Map<String, Object> config = new LinkedHashMap<>();
		config.put("longest", pythonsLongest);
		config.put("longest_negative", pythonsLongest.negate());
		config.put("min_long", Long.MIN_VALUE);
		config.put("min_double", Double.MIN_VALUE);
		config.put("max_double", Double.MAX_VALUE);
		config.put("negative_zero", -0.0);
		config.put("decimal", new BigDecimal("0.1"));
		config.put("trailing_zero", new BigDecimal("1.50"));
		config.put("exponent", new BigDecimal("1E+3"));
		config.put("integral_decimal", new BigDecimal("123456789012345678901234567890"));
		store.save("llm_llama3", config);
		Map<String, Object> loaded = store.load("llm_llama3").orElseThrow();
		assertThat(loaded).containsEntry("longest", pythonsLongest)
			.containsEntry("longest_negative", pythonsLongest.negate())
			.containsEntry("min_long", Long.MIN_VALUE)
			.containsEntry("min_double", Double.MIN_VALUE)
			.containsEntry("max_double", Double.MAX_VALUE)
			.containsEntry("negative_zero", -0.0)
			.containsEntry("decimal", 0.1)
			.containsEntry("trailing_zero", 1.5)
			.containsEntry("exponent", 1000.0)
			.containsEntry("integral_decimal", new BigInteger("123456789012345678901234567890"));
	}

	@Test
	void keyLongerThanJacksonsDefaultLimitLoadsBack() {
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.tempDir);
		String key = "k".repeat(60_000);
		store.save("llm_llama3", Map.of(key, "v"));
		assertThat(store.load("llm_llama3").orElseThrow()).containsExactly(entry(key, "v"));
	}

	@Test
	void maxConfigSizeIsFourMebibytesUnlessGiven() {
		assertThat(new FileSystemPluginConfigStore(this.tempDir).getMaxConfigSize()).isEqualTo(4L * 1024 * 1024);
		assertThat(new FileSystemPluginConfigStore(this.tempDir, 1000).getMaxConfigSize()).isEqualTo(1000);
	}

	@Test
	void maxConfigSizeThatIsNotPositiveOrAboveOneGibibyteIsRejected() {
		for (long size : new long[] { 0, -1, 1024L * 1024 * 1024 + 1 }) {
			assertThatIllegalArgumentException().isThrownBy(() -> new FileSystemPluginConfigStore(this.tempDir, size))
				.withMessageContaining("max config size");
		}
	}

	@Test
	void configOfExactlyTheMaxSizeSavesAndLoadsAndOneByteMoreIsRejectedLeavingTheOldFile() throws Exception {
		Map<String, Object> config = Map.of("prompt", "p".repeat(500));
		new FileSystemPluginConfigStore(this.tempDir).save("llm_llama3", config);
		Path file = this.tempDir.resolve("llm_llama3.json");
		long size = Files.size(file);
		FileSystemPluginConfigStore exact = new FileSystemPluginConfigStore(this.tempDir, size);
		exact.save("llm_llama3", config);
		assertThat(exact.load("llm_llama3")).contains(config);

		FileSystemPluginConfigStore smaller = new FileSystemPluginConfigStore(this.tempDir, size - 1);
		smaller.save("llm_llama3", Map.of("prompt", "short"));
		byte[] previous = Files.readAllBytes(file);
		Map<String, Object> tooLarge = new LinkedHashMap<>();
		for (int i = 0; i < 100; i++) {
			tooLarge.put("key" + i, "value" + i);
		}
		assertThatIllegalArgumentException().isThrownBy(() -> smaller.save("llm_llama3", tooLarge))
			.withMessageContaining("llm_llama3")
			.withMessageContaining((size - 1) + " bytes")
			.withMessageContaining("plugins.max-config-size")
			.withMessageNotContaining("value1");
		assertThat(file).hasBinaryContent(previous);
	}

	@Test
	void stringThatAloneExceedsTheMaxSizeIsRejectedNamingItsKeyPath() throws Exception {
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.tempDir, 1024);
		store.save("llm_llama3", Map.of("model", "8b"));
		byte[] previous = Files.readAllBytes(this.tempDir.resolve("llm_llama3.json"));
		// 200 characters, but 1,200 bytes once escaped as ASCII
		Map<String, Object> config = Map.of("model", Map.of("prompts", List.of("ok", "ü".repeat(200))));
		assertThatIllegalArgumentException().isThrownBy(() -> store.save("llm_llama3", config))
			.withMessageContaining("'model.prompts[1]'")
			.withMessageContaining("1024 bytes")
			.withMessageNotContaining("ü");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> store.save("llm_llama3", Map.of("model", Map.of("k".repeat(2000), 1))))
			.withMessageContaining("'model'")
			.withMessageContaining("key");
		assertThat(this.tempDir.resolve("llm_llama3.json")).hasBinaryContent(previous);
	}

	@Test
	void fileLargerThanTheMaxSizeIsAnErrorNamingTheFileAndTheLimit() throws Exception {
		Path file = Files.writeString(this.tempDir.resolve("llm_llama3.json"),
				"{\"prompt\": \"" + "p".repeat(2000) + "\"}");
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.tempDir, 1024);
		assertThatExceptionOfType(PluginConfigException.class).isThrownBy(() -> store.load("llm_llama3"))
			.withMessageContaining(file.toAbsolutePath().normalize().toString())
			.withMessageContaining("1024 bytes")
			.withMessageContaining("plugins.max-config-size");
		assertThat(store.ids()).containsExactly("llm_llama3");
	}

	@Test
	void symbolicLinkToARegularFileIsReadAsKubernetesMountsConfigMaps() throws Exception {
		// A ConfigMap volume: <id>.json -> ..data/<id>.json -> ..2026_01_01/<id>.json
		Path version = Files.createDirectories(this.tempDir.resolve("..2026_01_01"));
		Files.writeString(version.resolve("llm_llama3.json"), "{\"model\": \"8b\"}");
		Files.createSymbolicLink(this.tempDir.resolve("..data"), version.getFileName());
		Files.createSymbolicLink(this.tempDir.resolve("llm_llama3.json"), Path.of("..data/llm_llama3.json"));
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.tempDir);
		assertThat(store.load("llm_llama3")).contains(Map.of("model", "8b"));
		assertThat(store.ids()).containsExactly("llm_llama3");
	}

	@Test
	void fifoNamedLikeAConfigIsAnErrorNamingTheFileNotAHang() throws Exception {
		Path fifo = this.tempDir.resolve("llm_llama3.json");
		assumeTrue(SpecialFiles.mkfifo(fifo), "mkfifo is not available");
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.tempDir);
		assertTimeoutPreemptively(Duration.ofSeconds(10),
				() -> assertThatExceptionOfType(PluginConfigException.class).isThrownBy(() -> store.load("llm_llama3"))
					.withMessageContaining(fifo.toAbsolutePath().normalize().toString())
					.withMessageContaining("not a regular file"));
		assertThat(store.ids()).isEmpty();
		assertThat(store.exists("llm_llama3")).isFalse();
	}

	@Test
	void deviceLinkedAsAConfigIsAnErrorNamingTheFile() throws Exception {
		Path zero = Path.of("/dev/zero");
		assumeTrue(Files.exists(zero), "/dev/zero does not exist");
		Path link = Files.createSymbolicLink(this.tempDir.resolve("llm_llama3.json"), zero);
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.tempDir);
		assertTimeoutPreemptively(Duration.ofSeconds(10),
				() -> assertThatExceptionOfType(PluginConfigException.class).isThrownBy(() -> store.load("llm_llama3"))
					.withMessageContaining(link.toAbsolutePath().normalize().toString())
					.withMessageContaining("not a regular file"));
		assertThat(store.ids()).isEmpty();
	}

	@Test
	void directoryNamedLikeAConfigIsAnErrorNamingItWhenLoaded() throws Exception {
		Path dir = Files.createDirectories(this.tempDir.resolve("llm_llama3.json"));
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.tempDir);
		assertThatExceptionOfType(PluginConfigException.class).isThrownBy(() -> store.load("llm_llama3"))
			.withMessageContaining(dir.toAbsolutePath().normalize().toString())
			.withMessageContaining("directory");
	}

	@Test
	void brokenSymbolicLinkIsNoConfig() throws Exception {
		Files.createSymbolicLink(this.tempDir.resolve("llm_llama3.json"), Path.of("gone.json"));
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.tempDir);
		assertThat(store.load("llm_llama3")).isEmpty();
		assertThat(store.ids()).isEmpty();
	}

	@Test
	void idsSeeFilesWrittenAndDeletedByOthers() throws Exception {
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.tempDir);
		Files.writeString(this.tempDir.resolve("llm_a.json"), "{}");
		assertThat(store.ids()).containsExactly("llm_a");
		Files.writeString(this.tempDir.resolve("llm_b.json"), "{}");
		assertThat(store.ids()).containsExactlyInAnyOrder("llm_a", "llm_b");
		Files.delete(this.tempDir.resolve("llm_a.json"));
		assertThat(store.ids()).containsExactly("llm_b");
	}

	@Test
	void idsSeeTheStoresOwnWritesAtOnce() {
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.tempDir);
		assertThat(store.ids()).isEmpty();
		store.save("llm_a", Map.of("k", "v"));
		assertThat(store.ids()).containsExactly("llm_a");
		store.save("llm_b", Map.of());
		store.delete("llm_a");
		assertThat(store.ids()).containsExactly("llm_b");
	}

}
