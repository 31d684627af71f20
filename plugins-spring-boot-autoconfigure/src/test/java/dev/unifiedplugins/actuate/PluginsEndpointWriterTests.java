package dev.unifiedplugins.actuate;

import java.nio.file.Path;
import java.security.Principal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.unifiedplugins.actuate.WriteFixtures.InterferingStore;
import dev.unifiedplugins.concurrent.BoundedCalls;
import dev.unifiedplugins.config.ConfigChange;
import dev.unifiedplugins.config.ConfigCheck;
import dev.unifiedplugins.config.ConfigViolation;
import dev.unifiedplugins.config.ExpectedRevision;
import dev.unifiedplugins.config.PluginConfigConflictException;
import dev.unifiedplugins.config.PluginConfigValidationException;
import dev.unifiedplugins.config.StoredPluginConfig;
import dev.unifiedplugins.core.CloudProviderType;
import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.core.RemoteResourceInfo;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.shutdown.PluginShutdown;
import dev.unifiedplugins.testsupport.TestPluginManager;
import dev.unifiedplugins.testsupport.TestPlugins;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.actuate.audit.AuditEvent;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Tests for {@link PluginsEndpointWriter}: saves that keep masked values, logged and
 * audited without values.
 */
@ExtendWith(OutputCaptureExtension.class)
class PluginsEndpointWriterTests {

	private static final String ID = "stt_whisper";

	private static final Principal OPERATOR = () -> "operator";

	@TempDir
	Path dir;

	private final BoundedCalls calls = new BoundedCalls("test-writer-", 4);

	private final List<AuditEvent> audit = new CopyOnWriteArrayList<>();

	private InterferingStore store;

	private UnifiedPluginRegistry registry;

	private PluginsEndpointWriter writer;

	@BeforeEach
	void setUp() {
		this.store = new InterferingStore(this.dir);
		this.registry = new UnifiedPluginRegistry(this.store);
		this.registry.registerPluginManager("stt", WriteFixtures.manager(new TestPlugins.Lifecycle(List::of),
				new TestPlugins.Cloud(() -> RemoteResourceInfo.builder(CloudProviderType.RUNPOD).status("running").build(),
						(hours) -> hours)));
		this.writer = new PluginsEndpointWriter(this.registry,
				new PluginShutdown(this.registry, this.calls, Duration.ofSeconds(2), (event, error) -> {
				}), Duration.ofSeconds(2),
				this.audit::add);
	}

	@AfterEach
	void tearDown() {
		this.calls.close();
	}

	@Test
	void anAbsentRevisionSavesWhateverIsStoredAndAnEmptyOneExpectsNothingStored() {
		assertThat(PluginsEndpointWriter.expected(null).isAny()).isTrue();
		assertThat(PluginsEndpointWriter.expected("").matches(null)).isTrue();
		assertThat(PluginsEndpointWriter.expected("").matches("abc")).isFalse();
		assertThat(PluginsEndpointWriter.expected("abc").matches("abc")).isTrue();
		assertThat(PluginsEndpointWriter.expected("abc").matches("def")).isFalse();
	}

	@Test
	void aSaveIsLoggedWithPluginRevisionAndPrincipalButNoValue(CapturedOutput output) {
		String revision = this.writer.save(ID, Map.of("device", "cuda", "hf_token", "hf_SECRET"),
				ExpectedRevision.any(), OPERATOR);

		assertThat(output.getOut()).contains("Saved the configuration of plugin 'stt_whisper' as revision " + revision
				+ " by operator");
		assertThat(output.getAll()).doesNotContain("hf_SECRET").doesNotContain("cuda");
	}

	@Test
	void aSaveWithKeysTheSchemaDoesNotDeclareIsKeptAndWarnedOfByPathWithoutValues(CapturedOutput output) {
		this.registry.registerPluginManager("llm", () -> List.of(PluginDescriptor.builder("local")
			.configSchema(Map.of("type", "object", "properties", Map.of("model", Map.of("type", "string"))))
			.build()));
		this.writer.save("llm_local", Map.of("modle", "llama3:8b"), ExpectedRevision.any(), OPERATOR);

		// Kept as sent (the Python library's files hold keys of their own), but said.
		assertThat(this.registry.loadPluginConfig("llm_local")).containsEntry("modle", "llama3:8b");
		assertThat(output.getOut()).contains("The configuration of plugin 'llm_local' holds settings its schema"
				+ " does not declare, which the plugin ignores unless it reads them itself (misspelt?): [/modle]")
			.doesNotContain("llama3:8b");
		this.writer.save("llm_local", Map.of("model", "llama3:8b"), ExpectedRevision.any(), OPERATOR);
		assertThat(output.getOut().split("does not declare", -1)).hasSize(2);
	}

	@Test
	void everyWriteIsAnAuditEventWithoutValues() {
		String revision = this.writer.save(ID, Map.of("hf_token", "hf_SECRET"), ExpectedRevision.any(), OPERATOR);
		this.writer.delete(ID, null);
		this.writer.stopResources("stt_gpu", OPERATOR);

		assertThat(this.audit).extracting(AuditEvent::getType)
			.containsExactly(PluginsEndpointWriter.CONFIG_SAVED, PluginsEndpointWriter.CONFIG_DELETED,
					PluginsEndpointWriter.RESOURCES_STOPPED);
		assertThat(this.audit.get(0).getPrincipal()).isEqualTo("operator");
		assertThat(this.audit.get(0).getData()).isEqualTo(Map.of("uniqueId", ID, "revision", revision));
		assertThat(this.audit.get(1).getData()).isEqualTo(Map.of("uniqueId", ID, "previousRevision", revision));
		assertThat(this.audit.get(2).getData()).containsEntry("uniqueId", "stt_gpu")
			.containsEntry("terminated", true)
			.containsEntry("cleanedUp", false);
		assertThat(this.audit.toString()).doesNotContain("hf_SECRET");
	}

	@Test
	void aRestoreIsLoggedAndAuditedWithBothRevisionsButNoValue(CapturedOutput output) {
		String first = this.writer.save(ID, Map.of("device", "cpu", "hf_token", "hf_FIRST"), ExpectedRevision.any(), null);
		String second = this.writer.save(ID, Map.of("device", "cuda", "hf_token", "hf_SECOND"), ExpectedRevision.any(),
				null);
		this.audit.clear();

		String restored = this.writer.restore(ID, first, ExpectedRevision.of(second), OPERATOR);

		assertThat(this.registry.loadStoredPluginConfig(ID))
			.contains(new StoredPluginConfig(Map.of("device", "cpu", "hf_token", "hf_FIRST"), restored));
		assertThat(this.audit).singleElement().satisfies((event) -> {
			assertThat(event.getType()).isEqualTo(PluginsEndpointWriter.CONFIG_RESTORED);
			assertThat(event.getPrincipal()).isEqualTo("operator");
			assertThat(event.getData())
				.isEqualTo(Map.of("uniqueId", ID, "revision", restored, "restoredRevision", first));
		});
		assertThat(output.getOut()).contains("Restored revision " + first + " of the configuration of plugin '"
				+ ID + "' as revision " + restored + " by operator");
		assertThat(output.getAll()).doesNotContain("hf_FIRST").doesNotContain("hf_SECOND");
	}

	@Test
	void aRestoreThatCannotBeDoneIsNotAudited() {
		String first = this.writer.save(ID, Map.of("device", "cpu"), ExpectedRevision.any(), null);
		this.writer.save(ID, Map.of("device", "cuda"), ExpectedRevision.any(), null);
		this.audit.clear();

		assertThatExceptionOfType(PluginConfigConflictException.class)
			.isThrownBy(() -> this.writer.restore(ID, first, ExpectedRevision.of(first), OPERATOR));
		assertThat(this.audit).isEmpty();
		assertThat(this.registry.loadPluginConfig(ID)).isEqualTo(Map.of("device", "cuda"));
	}

	@Test
	void aMaskedSecretKeepsTheSavedSecret() {
		String first = this.writer.save(ID, Map.of("device", "cpu", "hf_token", "hf_SECRET"), ExpectedRevision.any(),
				null);

		this.writer.save(ID, Map.of("device", "cuda", "hf_token", MaskedValues.MASK), ExpectedRevision.of(first), null);

		assertThat(this.registry.loadPluginConfig(ID)).isEqualTo(Map.of("device", "cuda", "hf_token", "hf_SECRET"));
	}

	@Test
	void aDryRunComparesRealValuesBehindTheMasksAndWritesAndAuditsNothing(CapturedOutput output) {
		String first = this.writer.save(ID, Map.of("device", "cpu", "hf_token", "hf_SECRET"), ExpectedRevision.any(),
				null);
		this.audit.clear();

		assertThat(this.writer.check(ID, Map.of("device", "cuda", "hf_token", MaskedValues.MASK),
				ExpectedRevision.of(first), OPERATOR))
			.isEqualTo(new ConfigCheck(List.of(new ConfigChange("/device", "cpu", "cuda")),
					List.of(new ConfigChange("/device", "cpu", "cuda"))));
		assertThat(this.writer
			.check(ID, Map.of("device", "cpu", "hf_token", "hf_OTHER"), ExpectedRevision.any(), null)
			.changes()).containsExactly(new ConfigChange("/hf_token", "hf_SECRET", "hf_OTHER"));

		assertThat(this.registry.loadStoredPluginConfig(ID).orElseThrow())
			.isEqualTo(new StoredPluginConfig(Map.of("device", "cpu", "hf_token", "hf_SECRET"), first));
		assertThat(this.audit).isEmpty();
		assertThat(output.getAll()).doesNotContain("hf_SECRET").doesNotContain("hf_OTHER");
	}

	@Test
	void aDryRunWithMasksAndAStaleRevisionIsAConflict() {
		String first = this.writer.save(ID, Map.of("hf_token", "hf_SECRET"), ExpectedRevision.any(), null);
		this.writer.save(ID, Map.of("hf_token", "hf_OTHER"), ExpectedRevision.of(first), null);

		assertThatExceptionOfType(PluginConfigConflictException.class).isThrownBy(() -> this.writer.check(ID,
				Map.of("device", "cuda", "hf_token", MaskedValues.MASK), ExpectedRevision.of(first), null));
	}

	@Test
	void aSaveWithMasksAndAStaleRevisionIsAConflict() {
		String first = this.writer.save(ID, Map.of("hf_token", "hf_SECRET"), ExpectedRevision.any(), null);
		this.writer.save(ID, Map.of("hf_token", "hf_OTHER"), ExpectedRevision.of(first), null);

		assertThatExceptionOfType(PluginConfigConflictException.class).isThrownBy(() -> this.writer.save(ID,
				Map.of("device", "cuda", "hf_token", MaskedValues.MASK), ExpectedRevision.of(first), null));
		assertThat(this.registry.loadPluginConfig(ID)).isEqualTo(Map.of("hf_token", "hf_OTHER"));
	}

	@Test
	void aLastWriterWinsSaveRestoresMasksFromWhatIsStoredWhenItWrites() {
		this.writer.save(ID, Map.of("hf_token", "hf_OLD"), ExpectedRevision.any(), null);
		// Another client changes the secret between the writer's read and its write.
		this.store.beforeNextSave(() -> this.store.files().save(ID, Map.of("hf_token", "hf_NEW")));

		this.writer.save(ID, Map.of("device", "cuda", "hf_token", MaskedValues.MASK), ExpectedRevision.any(), null);

		assertThat(this.registry.loadPluginConfig(ID)).isEqualTo(Map.of("device", "cuda", "hf_token", "hf_NEW"));
	}

	@Test
	void aMaskedSecretBesideAChangedUrlIsRefusedAndNothingIsWrittenUntilItIsResent(CapturedOutput output) {
		String first = this.writer.save("stt_worker",
				Map.of("api_key", "sk-REAL", "endpoint_url", "https://api.example"), ExpectedRevision.any(), null);

		PluginConfigValidationException refused = catchThrowableOfType(PluginConfigValidationException.class,
				() -> this.writer.save("stt_worker",
						Map.of("api_key", MaskedValues.MASK, "endpoint_url", "https://attacker.example"),
						ExpectedRevision.any(), OPERATOR));

		assertThat(refused).isNotNull();
		assertThat(refused.violations())
			.containsExactly(new ConfigViolation("/api_key", "resend the secret: /endpoint_url changed"));
		StoredPluginConfig stored = this.registry.loadStoredPluginConfig("stt_worker").orElseThrow();
		assertThat(stored.revision()).isEqualTo(first);
		assertThat(stored.config()).isEqualTo(Map.of("api_key", "sk-REAL", "endpoint_url", "https://api.example"));
		assertThat(this.audit).hasSize(1);
		assertThat(output.getAll()).doesNotContain("sk-REAL").doesNotContain("attacker");

		// The secret resent in clear goes with the new URL; a mask that is no secret is kept.
		this.writer.save("stt_worker", Map.of("api_key", "sk-NEW", "endpoint_url", "https://other.example", "model",
				MaskedValues.MASK), ExpectedRevision.any(), null);
		assertThat(this.registry.loadPluginConfig("stt_worker"))
			.isEqualTo(Map.of("api_key", "sk-NEW", "endpoint_url", "https://other.example"));
	}

	@Test
	void aSaveThatKeepsAMaskedSecretNamesItsPathButNotItsValueInTheAuditEvent() {
		this.writer.save("stt_worker", Map.of("api_key", "sk-REAL", "endpoint_url", "https://api.example", "model",
				"m1"), ExpectedRevision.any(), null);

		String revision = this.writer.save("stt_worker", Map.of("api_key", MaskedValues.MASK, "endpoint_url",
				"https://api.example", "model", "m2"), ExpectedRevision.any(), OPERATOR);

		assertThat(this.registry.loadPluginConfig("stt_worker"))
			.isEqualTo(Map.of("api_key", "sk-REAL", "endpoint_url", "https://api.example", "model", "m2"));
		assertThat(this.audit.get(1).getData()).isEqualTo(Map.of("uniqueId", "stt_worker", "revision", revision,
				"keptSecrets", List.of("/api_key")));
		assertThat(this.audit.toString()).doesNotContain("sk-REAL");
	}

	@Test
	void aChangedStringOfFormatUriIsADestinationForTheSchemasSecrets() {
		this.registry.registerPluginManager("hook", new TestPluginManager(PluginDescriptor.builder("relay")
			.configSchema(Map.of("type", "object", "properties",
					Map.of("callback", Map.of("type", "string", "format", "uri"), "signing", Map.of("type", "object",
							"properties", Map.of("license", Map.of("type", "string", "writeOnly", true))))))
			.build()));
		this.writer.save("hook_relay", Map.of("callback", "https://hooks.example", "signing", Map.of("license", "L-1")),
				ExpectedRevision.any(), null);

		assertThatExceptionOfType(PluginConfigValidationException.class)
			.isThrownBy(() -> this.writer.save("hook_relay", Map.of("callback", "https://attacker.example", "signing",
					Map.of("license", MaskedValues.MASK)), ExpectedRevision.any(), null))
			.satisfies((ex) -> assertThat(ex.violations()).containsExactly(
					new ConfigViolation("/signing/license", "resend the secret: /callback changed")));
		this.writer.save("hook_relay", Map.of("callback", "https://hooks.example", "signing",
				Map.of("license", MaskedValues.MASK)), ExpectedRevision.any(), null);
		assertThat(this.registry.loadPluginConfig("hook_relay"))
			.isEqualTo(Map.of("callback", "https://hooks.example", "signing", Map.of("license", "L-1")));
	}

	@Test
	void aDeleteIsLoggedWithThePreviousRevision(CapturedOutput output) {
		String revision = this.writer.save(ID, Map.of("device", "cuda"), ExpectedRevision.any(), null);

		assertThat(this.writer.delete(ID, OPERATOR)).isTrue();

		assertThat(output.getOut()).contains(
				"Deleted the configuration of plugin 'stt_whisper' (was revision " + revision + ") by operator");
		assertThat(this.registry.loadStoredPluginConfig(ID)).isEmpty();
	}

	@Test
	void stoppingResourcesIsLoggedWithWhatWasDone(CapturedOutput output) {
		this.writer.stopResources("stt_worker", null);

		assertThat(output.getOut()).contains("Stopped the resources of plugin 'stt_worker': cleaned up true, "
				+ "terminated false, ended PIDs [], 0 error(s)");
	}

}
