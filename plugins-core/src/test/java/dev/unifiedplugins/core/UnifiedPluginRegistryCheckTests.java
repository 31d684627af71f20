package dev.unifiedplugins.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.unifiedplugins.config.ConfigChange;
import dev.unifiedplugins.config.ConfigCheck;
import dev.unifiedplugins.config.ConfigViolation;
import dev.unifiedplugins.config.ExpectedRevision;
import dev.unifiedplugins.config.FileSystemPluginConfigStore;
import dev.unifiedplugins.config.PluginConfigChange;
import dev.unifiedplugins.config.PluginConfigConflictException;
import dev.unifiedplugins.config.PluginConfigValidationException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The checks before a save, on a real file store: the schema, then each
 * {@link PluginConfigValidator}; a refusal writes nothing and tells no listener. A dry run
 * ({@link UnifiedPluginRegistry#checkPluginConfig}) checks the same, writes nothing, and
 * lists the changes of the effective configuration.
 */
class UnifiedPluginRegistryCheckTests {

	private static final String ID = "stt_whisper";

	/** device (default cpu), beam_size (1 to 10, default 5), language. */
	private static final Map<String, Object> SCHEMA = Map.of("type", "object", "properties",
			Map.of("device", Map.of("type", "string", "default", "cpu"), "beam_size",
					Map.of("type", "integer", "minimum", 1, "maximum", 10, "default", 5), "language",
					Map.of("type", "string")),
			"additionalProperties", false);

	@TempDir
	Path dir;

	private UnifiedPluginRegistry registry;

	private final List<PluginConfigChange> changes = new CopyOnWriteArrayList<>();

	private final List<Map<String, Object>> checked = new CopyOnWriteArrayList<>();

	@BeforeEach
	void createRegistry() {
		this.registry = new UnifiedPluginRegistry(new FileSystemPluginConfigStore(this.dir));
		this.registry.registerPluginManager("stt",
				() -> List.of(PluginDescriptor.builder("whisper").configSchema(SCHEMA).build()));
		this.registry.addChangeListener(this.changes::add);
	}

	@Test
	void aValidatorSeesTheConfigurationOverTheSchemasDefaults() {
		this.registry.addConfigValidator((uniqueId, config) -> this.checked.add(config));

		this.registry.savePluginConfig(ID, Map.of("beam_size", 3));

		assertThat(this.checked).containsExactly(Map.of("device", "cpu", "beam_size", 3));
		assertThat(this.registry.loadPluginConfig(ID)).isEqualTo(Map.of("beam_size", 3));
	}

	@Test
	void aRefusalWritesNothingAndTellsNoListener() throws Exception {
		this.registry.savePluginConfig(ID, Map.of("beam_size", 3));
		byte[] saved = Files.readAllBytes(file());
		this.changes.clear();
		this.registry.addConfigValidator((uniqueId, config) -> {
			if (!"cpu".equals(config.get("device"))) {
				throw PluginConfigValidationException.refusedByPlugin(uniqueId,
						List.of(new ConfigViolation("/device", "no GPU on this machine")));
			}
		});

		assertThatExceptionOfType(PluginConfigValidationException.class)
			.isThrownBy(() -> this.registry.savePluginConfig(ID, Map.of("device", "cuda")))
			.withMessage("Configuration of plugin 'stt_whisper' was refused by the plugin (1 violation): "
					+ "/device: no GPU on this machine")
			.satisfies((ex) -> assertThat(ex.violations())
				.containsExactly(new ConfigViolation("/device", "no GPU on this machine")));

		assertThat(Files.readAllBytes(file())).isEqualTo(saved);
		assertThat(this.changes).isEmpty();
	}

	@Test
	void anyOtherExceptionOfAValidatorAlsoStopsTheSave() {
		this.registry.addConfigValidator((uniqueId, config) -> {
			throw new IllegalStateException("validator broke");
		});

		assertThatIllegalStateException().isThrownBy(() -> this.registry.savePluginConfig(ID, Map.of()))
			.withMessage("validator broke");

		assertThat(Files.exists(file())).isFalse();
		assertThat(this.registry.getPlugin(ID).orElseThrow().configured()).isFalse();
		assertThat(this.changes).isEmpty();
	}

	@Test
	void theSchemaIsCheckedFirstAndAConfigurationItRefusesReachesNoValidator() {
		this.registry.addConfigValidator((uniqueId, config) -> this.checked.add(config));

		assertThatExceptionOfType(PluginConfigValidationException.class)
			.isThrownBy(() -> this.registry.savePluginConfig(ID, Map.of("beam_size", 11)))
			.withMessageContaining("does not match its schema");

		assertThat(this.checked).isEmpty();
	}

	@Test
	void validatorsRunWithSchemaValidationOffAndARemovedOneNoLonger() {
		PluginConfigValidator validator = (uniqueId, config) -> this.checked.add(config);
		this.registry.addConfigValidator(validator);
		this.registry.setValidationEnabled(false);

		this.registry.savePluginConfig(ID, Map.of("beam_size", 11));
		this.registry.removeConfigValidator(validator);
		this.registry.savePluginConfig(ID, Map.of("beam_size", 12));

		assertThat(this.checked).containsExactly(Map.of("device", "cpu", "beam_size", 11));
	}

	@Test
	void aDryRunListsTheChangesOfTheEffectiveConfigurationAndWritesNothing() throws Exception {
		this.registry.savePluginConfig(ID, Map.of("beam_size", 3, "language", "en"));
		byte[] saved = Files.readAllBytes(file());
		this.changes.clear();
		this.registry.addConfigValidator((uniqueId, config) -> this.checked.add(config));

		List<ConfigChange> found = this.registry.checkPluginConfig(ID,
				Map.of("beam_size", 5, "device", "cuda", "language", "en"));

		// beam_size 3 -> 5 is a change even though 5 is the default; device cpu (default) -> cuda.
		// (In the order of the schema's properties, which this Map.of does not keep.)
		assertThat(found).containsExactlyInAnyOrder(new ConfigChange("/device", "cpu", "cuda"),
				new ConfigChange("/beam_size", 3, 5));
		assertThat(this.checked).containsExactly(Map.of("device", "cuda", "beam_size", 5, "language", "en"));
		assertThat(Files.readAllBytes(file())).isEqualTo(saved);
		assertThat(this.changes).isEmpty();
	}

	@Test
	void aDryRunThatLeavesOutASavedValueChangesItBackToItsDefault() {
		this.registry.savePluginConfig(ID, Map.of("beam_size", 3, "language", "en"));

		assertThat(this.registry.checkPluginConfig(ID, Map.of("device", "cpu")))
			.containsExactlyInAnyOrder(new ConfigChange("/beam_size", 3, 5), new ConfigChange("/language", "en", null));
	}

	@Test
	void aDryRunWithNothingStoredComparesWithTheDefaultsAndCreatesNoFile() {
		assertThat(this.registry.checkPluginConfig(ID, Map.of("device", "cpu", "beam_size", 5))).isEmpty();
		assertThat(this.registry.checkPluginConfig(ID, Map.of("language", "de")))
			.containsExactly(new ConfigChange("/language", null, "de"));
		assertThat(Files.exists(file())).isFalse();
		assertThat(this.registry.getPlugin(ID).orElseThrow().configured()).isFalse();
	}

	@Test
	void aDryRunWithNothingStoredListsEveryValueTheFirstSaveWouldStore() {
		ConfigCheck check = this.registry.dryRunPluginConfig(ID, Map.of("device", "cpu", "beam_size", 5),
				ExpectedRevision.none());

		// No effective value changes, but the save would write them: it says so.
		assertThat(check.changes()).isEmpty();
		assertThat(check.savedChanges()).containsExactlyInAnyOrder(new ConfigChange("/device", null, "cpu"),
				new ConfigChange("/beam_size", null, 5));
		assertThat(Files.exists(file())).isFalse();
	}

	@Test
	void aDryRunListsTheDefaultsASaveWouldStartOrStopSaving() {
		String revision = this.registry.savePluginConfig(ID, Map.of("beam_size", 5, "language", "en"),
				ExpectedRevision.any());

		ConfigCheck check = this.registry.dryRunPluginConfig(ID, Map.of("device", "cpu", "language", "en"),
				ExpectedRevision.of(revision));

		assertThat(check.changes()).isEmpty();
		assertThat(check.savedChanges()).containsExactlyInAnyOrder(new ConfigChange("/beam_size", 5, null),
				new ConfigChange("/device", null, "cpu"));
		assertThat(this.registry.dryRunPluginConfig(ID, Map.of("beam_size", 5.0, "language", "en"),
				ExpectedRevision.of(revision)))
			.isEqualTo(new ConfigCheck(List.of(), List.of()));
	}

	@Test
	void aDryRunIsRefusedAsTheSaveWouldBe() {
		this.registry.addConfigValidator((uniqueId, config) -> {
			throw PluginConfigValidationException.refusedByPlugin(uniqueId, List.of(new ConfigViolation("", "no")));
		});

		assertThatExceptionOfType(PluginConfigValidationException.class)
			.isThrownBy(() -> this.registry.checkPluginConfig(ID, Map.of("beam_size", 11)))
			.withMessageContaining("does not match its schema");
		assertThatExceptionOfType(PluginConfigValidationException.class)
			.isThrownBy(() -> this.registry.checkPluginConfig(ID, Map.of()))
			.withMessageContaining("refused by the plugin");
	}

	@Test
	void aDryRunExpectingAnotherRevisionIsAConflictAfterTheChecks() {
		String revision = this.registry.savePluginConfig(ID, Map.of("beam_size", 3), ExpectedRevision.any());
		this.registry.savePluginConfig(ID, Map.of("beam_size", 4));

		assertThatExceptionOfType(PluginConfigConflictException.class)
			.isThrownBy(() -> this.registry.checkPluginConfig(ID, Map.of("beam_size", 6), ExpectedRevision.of(revision)))
			.withMessageContaining(revision);
		assertThatExceptionOfType(PluginConfigConflictException.class)
			.isThrownBy(() -> this.registry.checkPluginConfig(ID, Map.of(), ExpectedRevision.none()));
		// A configuration the save would refuse is refused first, as the save does.
		assertThatExceptionOfType(PluginConfigValidationException.class).isThrownBy(
				() -> this.registry.checkPluginConfig(ID, Map.of("beam_size", 11), ExpectedRevision.of(revision)));
		String current = this.registry.loadStoredPluginConfig(ID).orElseThrow().revision();
		assertThat(this.registry.checkPluginConfig(ID, Map.of("beam_size", 6), ExpectedRevision.of(current)))
			.containsExactly(new ConfigChange("/beam_size", 4, 6));
	}

	@Test
	void aDryRunOverACorruptFileComparesWithTheDefaults() throws Exception {
		Files.writeString(file(), "{not json");

		assertThat(this.registry.checkPluginConfig(ID, Map.of("beam_size", 2)))
			.containsExactly(new ConfigChange("/beam_size", 5, 2));
		assertThat(Files.readString(file())).isEqualTo("{not json");
	}

	private Path file() {
		return this.dir.resolve(ID + ".json");
	}

}
