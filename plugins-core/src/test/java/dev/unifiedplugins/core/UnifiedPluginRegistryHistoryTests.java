package dev.unifiedplugins.core;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.unifiedplugins.config.ConfigRevision;
import dev.unifiedplugins.config.ExpectedRevision;
import dev.unifiedplugins.config.FileSystemPluginConfigStore;
import dev.unifiedplugins.config.PluginConfigChange;
import dev.unifiedplugins.config.PluginConfigConflictException;
import dev.unifiedplugins.config.PluginConfigException;
import dev.unifiedplugins.config.PluginConfigRevisionNotFoundException;
import dev.unifiedplugins.config.PluginConfigValidationException;
import dev.unifiedplugins.testsupport.ForwardingStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The registry's configuration history and restore, over real files: a restore brings back
 * the old values, secrets included, as a new revision, checked as any save.
 */
class UnifiedPluginRegistryHistoryTests {

	private static final String ID = "llm_gpt";

	private static final Map<String, Object> SCHEMA = Map.of("type", "object", "properties",
			Map.of("model", Map.of("type", "string", "enum", List.of("small", "large", "huge")), "api_key",
					Map.of("type", "string", "writeOnly", true)));

	@TempDir
	Path dir;

	private FileSystemPluginConfigStore store;

	private UnifiedPluginRegistry registry;

	private final List<PluginConfigChange> changes = new CopyOnWriteArrayList<>();

	@BeforeEach
	void registerPlugin() {
		this.store = new FileSystemPluginConfigStore(this.dir);
		this.registry = new UnifiedPluginRegistry(this.store);
		this.registry.registerPluginManager("llm",
				() -> List.of(PluginDescriptor.builder("gpt").configSchema(SCHEMA).build()));
		this.registry.addChangeListener(this.changes::add);
	}

	@Test
	void historyListsTheSavesAndDeletesNewestFirst() {
		String first = this.registry.savePluginConfig(ID, Map.of("model", "small"), ExpectedRevision.none());
		this.registry.deletePluginConfig(ID);
		String second = this.registry.savePluginConfig(ID, Map.of("model", "large"), ExpectedRevision.none());

		List<ConfigRevision> history = this.registry.getConfigHistory(ID);

		assertThat(history).extracting(ConfigRevision::revision).startsWith(second).endsWith(first);
		assertThat(history).extracting(ConfigRevision::deleted).containsExactly(false, true, false);
		assertThat(history).extracting(ConfigRevision::writtenBy).containsOnly(this.store.getInstanceName());
	}

	@Test
	void aRestoreBringsBackTheOldValuesSecretIncludedAsANewRevision() {
		String first = this.registry.savePluginConfig(ID, Map.of("model", "small", "api_key", "sk-first"),
				ExpectedRevision.none());
		String second = this.registry.savePluginConfig(ID, Map.of("model", "large", "api_key", "sk-second"),
				ExpectedRevision.of(first));
		this.changes.clear();

		String restored = this.registry.restorePluginConfig(ID, first, ExpectedRevision.of(second));

		assertThat(this.registry.loadPluginConfig(ID)).isEqualTo(Map.of("model", "small", "api_key", "sk-first"));
		assertThat(this.registry.loadStoredPluginConfig(ID).orElseThrow().revision()).isEqualTo(restored);
		List<ConfigRevision> history = this.registry.getConfigHistory(ID);
		assertThat(history).as("a new entry, the newest").hasSize(3);
		assertThat(history.get(0).revision()).isEqualTo(restored);
		assertThat(history.get(0).writtenAt()).isAfterOrEqualTo(history.get(1).writtenAt());
		// The file store's revision is a hash of the bytes: the same values, the same revision.
		assertThat(restored).isEqualTo(first);
		assertThat(this.changes).containsExactly(new PluginConfigChange(ID, PluginConfigChange.Kind.SAVED, restored,
				false));
		assertThat(this.registry.getPlugin(ID).orElseThrow().configured()).isTrue();
	}

	@Test
	void aRestoreAfterADeleteBringsTheConfigurationBack() {
		String first = this.registry.savePluginConfig(ID, Map.of("model", "huge", "api_key", "sk-1"),
				ExpectedRevision.none());
		this.registry.deletePluginConfig(ID);
		assertThat(this.registry.getPlugin(ID).orElseThrow().configured()).isFalse();

		this.registry.restorePluginConfig(ID, first, ExpectedRevision.none());

		assertThat(this.registry.loadPluginConfig(ID)).isEqualTo(Map.of("model", "huge", "api_key", "sk-1"));
		assertThat(this.registry.getPlugin(ID).orElseThrow().configured()).isTrue();
	}

	@Test
	void aStaleCurrentRevisionIsAConflictAndWritesNothing() {
		String first = this.registry.savePluginConfig(ID, Map.of("model", "small"), ExpectedRevision.none());
		String second = this.registry.savePluginConfig(ID, Map.of("model", "large"), ExpectedRevision.of(first));
		List<ConfigRevision> before = this.registry.getConfigHistory(ID);

		assertThatExceptionOfType(PluginConfigConflictException.class)
			.isThrownBy(() -> this.registry.restorePluginConfig(ID, first, ExpectedRevision.of(first)))
			.satisfies((ex) -> assertThat(ex.getActual()).isEqualTo(second));

		assertThat(this.registry.loadPluginConfig(ID)).isEqualTo(Map.of("model", "large"));
		assertThat(this.registry.getConfigHistory(ID)).isEqualTo(before);
	}

	@Test
	void anUnknownRevisionIsNotFoundNamingPluginAndRevision() {
		this.registry.savePluginConfig(ID, Map.of("model", "small"), ExpectedRevision.none());

		assertThatExceptionOfType(PluginConfigRevisionNotFoundException.class)
			.isThrownBy(() -> this.registry.restorePluginConfig(ID, "ffffffffffffffffffffffffffffffff",
					ExpectedRevision.any()))
			.isInstanceOf(PluginConfigException.class)
			.withMessageContaining(ID)
			.withMessageContaining("ffffffffffffffffffffffffffffffff")
			.satisfies((ex) -> assertThat(ex.getRevision()).isEqualTo("ffffffffffffffffffffffffffffffff"));
		assertThat(this.registry.loadPluginConfigRevision(ID, "ffffffffffffffffffffffffffffffff")).isEmpty();
	}

	@Test
	void aDeletionHasNothingToRestore() {
		this.registry.savePluginConfig(ID, Map.of("model", "small"), ExpectedRevision.none());
		this.registry.deletePluginConfig(ID);
		String deletion = this.registry.getConfigHistory(ID).get(0).revision();

		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.registry.restorePluginConfig(ID, deletion, ExpectedRevision.any()))
			.withMessageContaining("is a deletion")
			.withMessageContaining(ID);
		assertThat(this.registry.getPlugin(ID).orElseThrow().configured()).isFalse();
	}

	@Test
	void aRestoreIsCheckedAgainstTheSchemaOfNow() {
		String huge = this.registry.savePluginConfig(ID, Map.of("model", "huge"), ExpectedRevision.none());
		String small = this.registry.savePluginConfig(ID, Map.of("model", "small"), ExpectedRevision.any());
		// The plugin's new version no longer offers the huge model.
		Map<String, Object> narrower = Map.of("type", "object", "properties",
				Map.of("model", Map.of("type", "string", "enum", List.of("small", "large"))));
		this.registry.registerPluginManager("llm",
				() -> List.of(PluginDescriptor.builder("gpt").configSchema(narrower).build()));

		assertThatExceptionOfType(PluginConfigValidationException.class)
			.isThrownBy(() -> this.registry.restorePluginConfig(ID, huge, ExpectedRevision.of(small)))
			.satisfies((ex) -> assertThat(ex.violations()).extracting("path").containsExactly("/model"));
		assertThat(this.registry.loadPluginConfig(ID)).isEqualTo(Map.of("model", "small"));
	}

	@Test
	void aStoreWithoutHistoryHasNothingToRestore() {
		UnifiedPluginRegistry plain = new UnifiedPluginRegistry(new ForwardingStore(this.store));
		String revision = plain.savePluginConfig(ID, Map.of("model", "small"), ExpectedRevision.none());

		assertThat(plain.getConfigHistory(ID)).isEmpty();
		assertThat(plain.loadPluginConfigRevision(ID, revision)).isEmpty();
		assertThatExceptionOfType(PluginConfigRevisionNotFoundException.class)
			.isThrownBy(() -> plain.restorePluginConfig(ID, revision, ExpectedRevision.any()));
	}

	@Test
	void illegalIdsAreRefusedBeforeTheStore() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.registry.getConfigHistory("../etc"));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.registry.restorePluginConfig("../etc", "x", ExpectedRevision.any()));
	}

}
