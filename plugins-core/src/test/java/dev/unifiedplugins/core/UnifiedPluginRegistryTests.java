package dev.unifiedplugins.core;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.unifiedplugins.config.FileSystemPluginConfigStore;
import dev.unifiedplugins.testsupport.TestPluginManager;
import dev.unifiedplugins.utils.PluginFilters;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Tests for {@link UnifiedPluginRegistry}: registration, metadata, categories and
 * configuration persistence, on a real config directory.
 */
class UnifiedPluginRegistryTests {

	@TempDir
	Path tempDir;

	Path configDir;

	UnifiedPluginRegistry registry;

	@BeforeEach
	void createRegistry() {
		this.configDir = this.tempDir.resolve("configs");
		this.registry = new UnifiedPluginRegistry(this.configDir);
	}

	@Test
	void registeringManagerReturnsItsPluginsWithTitlesAndDescriptionsFromTheirSchemas() {
		List<PluginMetadata> registered = this.registry.registerPluginManager("transcription", whisperManager());
		assertThat(registered).extracting(PluginMetadata::uniqueId)
			.containsExactly("transcription_whisper_tiny", "transcription_whisper_large");
		PluginMetadata tiny = this.registry.getPlugin("transcription_whisper_tiny").orElseThrow();
		assertThat(tiny.name()).isEqualTo("whisper_tiny");
		assertThat(tiny.category()).isEqualTo("transcription");
		assertThat(tiny.title()).isEqualTo("Whisper Tiny");
		assertThat(tiny.description()).isEqualTo("Fast, small transcription model");
		assertThat(tiny.version()).isEqualTo("1.0.0");
		assertThat(tiny.configSchema()).containsEntry("title", "Whisper Tiny");
		assertThat(tiny.configured()).isFalse();
		assertThat(tiny.executionMode()).isEqualTo(PluginExecutionMode.IN_PROCESS);
		assertThat(this.registry.getPlugin("transcription_whisper_large").orElseThrow().title())
			.isEqualTo("Whisper Large");
	}

	@Test
	void reregisteringACategoryDiscoversItsManagerAgainUnlessItWasReplacedMeanwhile() {
		TestPluginManager first = TestPluginManager.of("llama3");
		this.registry.registerPluginManager("llm", first);
		assertThat(this.registry.reregisterPluginManager("llm", first, "Language models")).hasValueSatisfying(
				(plugins) -> assertThat(plugins).extracting(PluginMetadata::uniqueId).containsExactly("llm_llama3"));
		assertThat(this.registry.getCategoryDisplayName("llm")).isEqualTo("Language models");
		this.registry.registerPluginManager("llm", TestPluginManager.of("mistral"));
		assertThat(this.registry.reregisterPluginManager("llm", first, null)).isEmpty();
		assertThat(this.registry.getPluginsByCategory("llm")).extracting(PluginMetadata::name).containsExactly("mistral");
		assertThat(this.registry.getRegistrationFailures()).isEmpty();
		assertThat(this.registry.reregisterPluginManager("speech", first, null)).isEmpty();
		assertThat(this.registry.getCategories()).containsExactly("llm");
	}

	/**
	 * A rescan of an earlier manager whose discovery ran long, and failed, ends after the
	 * category was registered with another manager: its error is about a manager no longer
	 * in use, so the category, whose new manager works, records no failure.
	 */
	@Test
	void reregisteringAReplacedCategoryWhoseOldManagerFailsDiscoveryRecordsNoFailure() {
		PluginManager failing = new PluginManager() {
			@Override
			public List<PluginDescriptor> discoverPlugins() {
				throw new IllegalStateException("old manager's directory is gone");
			}
		};
		this.registry.registerPluginManager("llm", TestPluginManager.of("llama3"));
		this.registry.registerPluginManager("llm", TestPluginManager.of("mistral"));
		assertThat(this.registry.reregisterPluginManager("llm", failing, null)).isEmpty();
		assertThat(this.registry.getPluginsByCategory("llm")).extracting(PluginMetadata::name).containsExactly("mistral");
		assertThat(this.registry.getRegistrationFailures()).isEmpty();
	}

	@Test
	void descriptorTitleWinsOverSchemaTitle() {
		PluginDescriptor descriptor = PluginDescriptor.builder("whisper_tiny")
			.title("Tiny Whisper (descriptor)")
			.configSchema(Map.of("title", "Whisper Tiny (schema)"))
			.build();
		this.registry.registerPluginManager("transcription", new TestPluginManager(descriptor));
		assertThat(this.registry.getPlugin("transcription_whisper_tiny").orElseThrow().title())
			.isEqualTo("Tiny Whisper (descriptor)");
	}

	@Test
	void nameIsTheTitleWhenNeitherDescriptorNorSchemaHasOne() {
		PluginDescriptor descriptor = PluginDescriptor.builder("whisper_tiny")
			.configSchema(Map.of("type", "object"))
			.build();
		this.registry.registerPluginManager("transcription", new TestPluginManager(descriptor));
		PluginMetadata metadata = this.registry.getPlugin("transcription_whisper_tiny").orElseThrow();
		assertThat(metadata.title()).isEqualTo("whisper_tiny");
		assertThat(metadata.description()).isNull();
	}

	@Test
	void descriptorDescriptionWinsOverSchemaDescription() {
		PluginDescriptor descriptor = PluginDescriptor.builder("whisper_tiny")
			.description("From the descriptor")
			.configSchema(Map.of("description", "From the schema"))
			.build();
		this.registry.registerPluginManager("transcription", new TestPluginManager(descriptor));
		assertThat(this.registry.getPlugin("transcription_whisper_tiny").orElseThrow().description())
			.isEqualTo("From the descriptor");
	}

	@Test
	void descriptorWithoutVersionGivesPluginWithNullVersion() {
		this.registry.registerPluginManager("llm", TestPluginManager.of("llama3"));
		assertThat(this.registry.getPlugin("llm_llama3").orElseThrow().version()).isNull();
	}

	@Test
	void descriptorExecutionModeAndResourceFlagsAreKept() {
		PluginDescriptor descriptor = PluginDescriptor.builder("voxtral")
			.executionMode(PluginExecutionMode.SUBPROCESS)
			.managesChildProcesses(true)
			.managesExternalResources(true)
			.build();
		this.registry.registerPluginManager("transcription", new TestPluginManager(descriptor));
		PluginMetadata metadata = this.registry.getPlugin("transcription_voxtral").orElseThrow();
		assertThat(metadata.executionMode()).isEqualTo(PluginExecutionMode.SUBPROCESS);
		assertThat(metadata.managesChildProcesses()).isTrue();
		assertThat(metadata.managesExternalResources()).isTrue();
	}

	@Test
	void unknownPluginIsEmpty() {
		this.registry.registerPluginManager("transcription", whisperManager());
		assertThat(this.registry.getPlugin("transcription_whisper_medium")).isEmpty();
		assertThat(this.registry.getPluginInstance("transcription_whisper_medium")).isEmpty();
		assertThat(this.registry.getPluginsByCategory("llm")).isEmpty();
	}

	@Test
	void allPluginsAreInRegistrationOrder() {
		this.registry.registerPluginManager("transcription", whisperManager());
		this.registry.registerPluginManager("llm", TestPluginManager.of("llama3", "gpt4"));
		assertThat(this.registry.getAllPlugins()).extracting(PluginMetadata::uniqueId)
			.containsExactly("transcription_whisper_tiny", "transcription_whisper_large", "llm_llama3", "llm_gpt4");
		assertThat(this.registry.getPluginsByCategory("llm")).extracting(PluginMetadata::name)
			.containsExactly("llama3", "gpt4");
	}

	@Test
	void savingConfigMarksPluginConfigured() {
		this.registry.registerPluginManager("transcription", whisperManager());
		assertThat(this.registry.savePluginConfig("transcription_whisper_tiny", Map.of("device", "cpu"))).isTrue();
		assertThat(this.registry.getPlugin("transcription_whisper_tiny").orElseThrow().configured()).isTrue();
		assertThat(this.registry.getPlugin("transcription_whisper_large").orElseThrow().configured()).isFalse();
		assertThat(this.registry.getAllPlugins()).filteredOn(PluginMetadata::configured)
			.extracting(PluginMetadata::uniqueId)
			.containsExactly("transcription_whisper_tiny");
		assertThat(PluginFilters.configured(this.registry.getAllPlugins())).extracting(PluginMetadata::uniqueId)
			.containsExactly("transcription_whisper_tiny");
		assertThat(this.registry.getPluginsByCategory("transcription").get(0).configured()).isTrue();
		assertThat(this.configDir.resolve("transcription_whisper_tiny.json")).isRegularFile();
	}

	@Test
	void savedConfigIsLoadedBack() {
		this.registry.registerPluginManager("transcription", whisperManager());
		Map<String, Object> config = Map.of("device", "cuda", "beam_size", 5, "temperature", 0.2, "language",
				"de", "vad", true, "prompts", List.of("a", "b"), "options", Map.of("chunk", 30));
		this.registry.savePluginConfig("transcription_whisper_tiny", config);
		assertThat(this.registry.loadPluginConfig("transcription_whisper_tiny")).isEqualTo(config);
	}

	@Test
	void savingAgainReplacesTheConfig() {
		this.registry.registerPluginManager("transcription", whisperManager());
		this.registry.savePluginConfig("transcription_whisper_tiny", Map.of("device", "cuda", "beam_size", 5));
		this.registry.savePluginConfig("transcription_whisper_tiny", Map.of("device", "cpu"));
		assertThat(this.registry.loadPluginConfig("transcription_whisper_tiny")).isEqualTo(Map.of("device", "cpu"));
	}

	@Test
	void savedConfigFileIsTwoSpaceIndentedAsciiJsonObject() throws Exception {
		this.registry.registerPluginManager("transcription", whisperManager());
		Map<String, Object> config = new LinkedHashMap<>();
		config.put("device", "cpu");
		config.put("n", 1.5);
		config.put("speaker", "Zoë");
		config.put("options", Map.of("chunk", 30));
		this.registry.savePluginConfig("transcription_whisper_tiny", config);
		byte[] bytes = Files.readAllBytes(this.configDir.resolve("transcription_whisper_tiny.json"));
		// As Python's json.dump writes it: non-ASCII characters escaped.
		assertThat(new String(bytes, StandardCharsets.US_ASCII).replace("\r\n", "\n")).isEqualTo("""
				{
				  "device": "cpu",
				  "n": 1.5,
				  "speaker": "Zo\\u00eb",
				  "options": {
				    "chunk": 30
				  }
				}""");
		assertThat(this.registry.loadPluginConfig("transcription_whisper_tiny")).containsEntry("speaker", "Zoë");
	}

	@Test
	void configWrittenInPythonStyleIsLoaded() throws Exception {
		Files.createDirectories(this.configDir);
		// json.dump(config, f, indent=2) with its default ensure_ascii=True
		Files.writeString(this.configDir.resolve("transcription_whisper_tiny.json"),
				"""
						{
						  "device": "cpu",
						  "n": 1.5,
						  "speaker": "Zo\\u00eb",
						  "langs": [
						    "en",
						    "de"
						  ],
						  "extra": null
						}""",
				StandardCharsets.UTF_8);
		this.registry.registerPluginManager("transcription", whisperManager());
		Map<String, Object> config = this.registry.loadPluginConfig("transcription_whisper_tiny");
		assertThat(config).containsExactly(entry("device", "cpu"), entry("n", 1.5), entry("speaker", "Zoë"),
				entry("langs", List.of("en", "de")), entry("extra", null));
	}

	@Test
	void configFilePresentBeforeRegistrationMakesPluginConfigured() throws Exception {
		Files.createDirectories(this.configDir);
		Files.writeString(this.configDir.resolve("transcription_whisper_large.json"), "{\n  \"device\": \"cpu\"\n}");
		List<PluginMetadata> registered = this.registry.registerPluginManager("transcription", whisperManager());
		assertThat(registered).extracting(PluginMetadata::name, PluginMetadata::configured)
			.containsExactly(tuple("whisper_tiny", false),
					tuple("whisper_large", true));
		assertThat(this.registry.getPlugin("transcription_whisper_large").orElseThrow().configured()).isTrue();
	}

	@Test
	void deletingConfigMarksPluginUnconfiguredAndRemovesItsFile() {
		this.registry.registerPluginManager("transcription", whisperManager());
		this.registry.savePluginConfig("transcription_whisper_tiny", Map.of("device", "cpu"));
		assertThat(this.registry.deletePluginConfig("transcription_whisper_tiny")).isTrue();
		assertThat(this.registry.getPlugin("transcription_whisper_tiny").orElseThrow().configured()).isFalse();
		assertThat(PluginFilters.configured(this.registry.getAllPlugins())).isEmpty();
		assertThat(PluginFilters.unconfigured(this.registry.getAllPlugins())).hasSize(2);
		assertThat(this.configDir.resolve("transcription_whisper_tiny.json")).doesNotExist();
		assertThat(this.registry.loadPluginConfig("transcription_whisper_tiny")).isEmpty();
	}

	@Test
	void deletingAConfigThatDoesNotExistSucceeds() {
		this.registry.registerPluginManager("transcription", whisperManager());
		assertThat(this.registry.deletePluginConfig("transcription_whisper_tiny")).isTrue();
		assertThat(this.registry.getPlugin("transcription_whisper_tiny").orElseThrow().configured()).isFalse();
	}

	@Test
	void loadingConfigOfUnconfiguredPluginGivesEmptyMap() {
		this.registry.registerPluginManager("transcription", whisperManager());
		assertThat(this.registry.loadPluginConfig("transcription_whisper_tiny")).isEmpty();
	}

	@Test
	void loadedConfigIsImmutable() {
		this.registry.registerPluginManager("transcription", whisperManager());
		this.registry.savePluginConfig("transcription_whisper_tiny", Map.of("options", Map.of("chunk", 30)));
		Map<String, Object> config = this.registry.loadPluginConfig("transcription_whisper_tiny");
		assertThatThrownBy(() -> config.put("device", "cpu")).isInstanceOf(UnsupportedOperationException.class);
		@SuppressWarnings("unchecked")
		Map<String, Object> options = (Map<String, Object>) config.get("options");
		assertThatThrownBy(() -> options.put("chunk", 1)).isInstanceOf(UnsupportedOperationException.class);
	}

	@Test
	void configSavedByOneRegistryIsSeenByAnotherOnTheSameDirectory() {
		this.registry.registerPluginManager("transcription", whisperManager());
		this.registry.savePluginConfig("transcription_whisper_tiny", Map.of("device", "cpu"));
		UnifiedPluginRegistry other = new UnifiedPluginRegistry(this.configDir);
		other.registerPluginManager("transcription", whisperManager());
		assertThat(other.getPlugin("transcription_whisper_tiny").orElseThrow().configured()).isTrue();
		assertThat(other.loadPluginConfig("transcription_whisper_tiny")).isEqualTo(Map.of("device", "cpu"));
	}

	@Test
	void categoriesKeepTheirDisplayNames() {
		this.registry.registerPluginManager("transcription", whisperManager(), "Speech Recognition", true);
		this.registry.registerPluginManager("llm", TestPluginManager.of("llama3"), "Language Models", true);
		this.registry.registerPluginManager("speech_to_text", TestPluginManager.of("vosk"));
		assertThat(this.registry.getCategoryDisplayName("transcription")).isEqualTo("Speech Recognition");
		assertThat(this.registry.getCategoryDisplayName("llm")).isEqualTo("Language Models");
		assertThat(this.registry.getCategoryDisplayName("speech_to_text")).isEqualTo("Speech_To_Text");
	}

	@ParameterizedTest
	@CsvSource({ "transcription, Transcription", "speech_to_text, Speech_To_Text", "LLM, Llm", "llm2x, Llm2X",
			"gpt-4o, Gpt-4O", "fine.tuning, Fine.Tuning" })
	void displayNameDefaultsToTheCategoryTitleCasedLikePython(String category, String expected) {
		this.registry.registerPluginManager(category, TestPluginManager.of("p"));
		assertThat(this.registry.getCategoryDisplayName(category)).isEqualTo(expected);
	}

	@Test
	void blankDisplayNameFallsBackToTheTitleCasedCategory() {
		this.registry.registerPluginManager("transcription", whisperManager(), "  ", true);
		assertThat(this.registry.getCategoryDisplayName("transcription")).isEqualTo("Transcription");
	}

	@Test
	void displayNameOfUnknownCategoryIsTheCategoryTitleCasedAsPythonDoes() {
		assertThat(this.registry.getCategoryDisplayName("finetuning")).isEqualTo("Finetuning");
		assertThat(this.registry.getCategoryDisplayName("speech_to_text")).isEqualTo("Speech_To_Text");
	}

	@Test
	void categoriesAreSortedAndOnlyThoseWithPluginsAreListedAsSuch() {
		this.registry.registerPluginManager("transcription", whisperManager());
		this.registry.registerPluginManager("llm", TestPluginManager.of("llama3"));
		this.registry.registerPluginManager("finetuning", TestPluginManager.of());
		this.registry.registerPluginManager("embedding", TestPluginManager.of("e5"), null, false);
		assertThat(this.registry.getCategories()).containsExactly("embedding", "finetuning", "llm", "transcription");
		assertThat(this.registry.getCategoriesWithPlugins()).containsExactly("llm", "transcription");
	}

	@Test
	void registeringWithoutAutoDiscoverDoesNotAskTheManager() {
		TestPluginManager manager = TestPluginManager.of("e5");
		assertThat(this.registry.registerPluginManager("embedding", manager, "Embeddings", false)).isEmpty();
		assertThat(manager.discoveries()).isZero();
		assertThat(this.registry.getManager("embedding")).containsSame(manager);
		assertThat(this.registry.getCategoryDisplayName("embedding")).isEqualTo("Embeddings");
		assertThat(this.registry.getPluginsByCategory("embedding")).isEmpty();
	}

	@Test
	void managerIsReturnedWithItsOwnType() {
		WhisperManager manager = new WhisperManager();
		this.registry.registerPluginManager("transcription", manager);
		WhisperManager typed = this.registry.getManager("transcription", WhisperManager.class).orElseThrow();
		assertThat(typed).isSameAs(manager);
		assertThat(typed.modelsDirectory()).isEqualTo("models/whisper");
		assertThat(this.registry.getManager("transcription", PluginManager.class)).containsSame(manager);
		assertThat(this.registry.getManager("llm", WhisperManager.class)).isEmpty();
		assertThat(this.registry.getManager("llm")).isEmpty();
	}

	@Test
	void askingForTheManagerAsTheWrongTypeNamesTheCategoryAndTypes() {
		this.registry.registerPluginManager("transcription", whisperManager());
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.registry.getManager("transcription", WhisperManager.class))
			.withMessageContaining("transcription")
			.withMessageContaining(TestPluginManager.class.getName())
			.withMessageContaining(WhisperManager.class.getName());
	}

	@Test
	void pluginInstanceIsWhatTheManagerHasLoaded() {
		Object instance = new Object();
		this.registry.registerPluginManager("transcription", whisperManager().withInstance("whisper_tiny", instance));
		assertThat(this.registry.getPluginInstance("transcription_whisper_tiny")).containsSame(instance);
		assertThat(this.registry.getPluginInstance("transcription_whisper_large")).isEmpty();
	}

	@Test
	void registeringACategoryAgainReplacesItsManagerAndAllOfItsPlugins() {
		this.registry.registerPluginManager("transcription", whisperManager());
		this.registry.registerPluginManager("llm", TestPluginManager.of("llama3"));
		TestPluginManager replacement = TestPluginManager.of("voxtral", "parakeet");
		List<PluginMetadata> registered = this.registry.registerPluginManager("transcription", replacement);
		assertThat(registered).extracting(PluginMetadata::name).containsExactly("voxtral", "parakeet");
		assertThat(this.registry.getManager("transcription")).containsSame(replacement);
		assertThat(this.registry.getPlugin("transcription_whisper_tiny")).isEmpty();
		assertThat(this.registry.getPlugin("transcription_whisper_large")).isEmpty();
		assertThat(this.registry.getPlugin("transcription_voxtral")).isPresent();
		assertThat(this.registry.getPluginsByCategory("transcription")).extracting(PluginMetadata::name)
			.containsExactly("voxtral", "parakeet");
		assertThat(this.registry.getAllPlugins()).extracting(PluginMetadata::uniqueId)
			.containsExactlyInAnyOrder("transcription_voxtral", "transcription_parakeet", "llm_llama3");
		assertThat(this.registry.getCategories()).containsExactly("llm", "transcription");
	}

	@Test
	void registeringACategoryAgainWithoutPluginsRemovesItFromCategoriesWithPlugins() {
		this.registry.registerPluginManager("transcription", whisperManager());
		this.registry.registerPluginManager("transcription", TestPluginManager.of());
		assertThat(this.registry.getCategories()).containsExactly("transcription");
		assertThat(this.registry.getCategoriesWithPlugins()).isEmpty();
		assertThat(this.registry.getAllPlugins()).isEmpty();
	}

	@Test
	void registeringACategoryAgainKeepsSavedConfigurations() {
		this.registry.registerPluginManager("transcription", whisperManager());
		this.registry.savePluginConfig("transcription_whisper_tiny", Map.of("device", "cpu"));
		this.registry.registerPluginManager("transcription", whisperManager());
		assertThat(this.registry.getPlugin("transcription_whisper_tiny").orElseThrow().configured()).isTrue();
		assertThat(this.registry.getPlugin("transcription_whisper_large").orElseThrow().configured()).isFalse();
	}

	@Test
	void savingConfigOfAnUnregisteredPluginWritesItsFile() {
		assertThat(this.registry.savePluginConfig("llm_llama3", Map.of("model", "8b"))).isTrue();
		assertThat(this.configDir.resolve("llm_llama3.json")).isRegularFile();
		this.registry.registerPluginManager("llm", TestPluginManager.of("llama3"));
		assertThat(this.registry.getPlugin("llm_llama3").orElseThrow().configured()).isTrue();
	}

	@Test
	void returnedListsAreImmutable() {
		this.registry.registerPluginManager("transcription", whisperManager());
		assertThatThrownBy(() -> this.registry.getAllPlugins().clear())
			.isInstanceOf(UnsupportedOperationException.class);
		assertThatThrownBy(() -> this.registry.getCategories().clear())
			.isInstanceOf(UnsupportedOperationException.class);
		assertThatThrownBy(() -> this.registry.getPluginsByCategory("transcription").clear())
			.isInstanceOf(UnsupportedOperationException.class);
	}

	@Test
	void registryOverAStoreUsesThatStore() {
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.tempDir.resolve("other"));
		UnifiedPluginRegistry overStore = new UnifiedPluginRegistry(store);
		assertThat(overStore.getConfigStore()).isSameAs(store);
		overStore.savePluginConfig("llm_llama3", Map.of("model", "8b"));
		assertThat(store.load("llm_llama3")).contains(Map.of("model", "8b"));
		assertThat(this.tempDir.resolve("other/llm_llama3.json")).isRegularFile();
	}

	static TestPluginManager whisperManager() {
		return new TestPluginManager(
				PluginDescriptor.builder("whisper_tiny")
					.version("1.0.0")
					.configSchema(Map.of("title", "Whisper Tiny", "description", "Fast, small transcription model",
							"type", "object"))
					.build(),
				PluginDescriptor.builder("whisper_large")
					.version("1.0.0")
					.configSchema(Map.of("title", "Whisper Large", "description", "Accurate, large transcription model",
							"type", "object"))
					.build());
	}

	/** A manager type of its own, as an application would write one. */
	static class WhisperManager extends TestPluginManager {

		WhisperManager() {
			super(PluginDescriptor.builder("whisper_tiny").build());
		}

		String modelsDirectory() {
			return "models/whisper";
		}

	}

}
