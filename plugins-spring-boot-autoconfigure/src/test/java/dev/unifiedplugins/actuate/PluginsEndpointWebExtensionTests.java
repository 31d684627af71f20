package dev.unifiedplugins.actuate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.unifiedplugins.actuate.PluginsEndpoint.PluginDetailDescriptor;
import dev.unifiedplugins.actuate.PluginsEndpointWebExtension.MessageDescriptor;
import dev.unifiedplugins.actuate.PluginsEndpointWebExtension.ResourcesDescriptor;
import dev.unifiedplugins.actuate.PluginsEndpointWebExtension.RevisionDescriptor;
import dev.unifiedplugins.actuate.PluginsEndpointWebExtension.RevisionDetailDescriptor;
import dev.unifiedplugins.actuate.PluginsEndpointWebExtension.RevisionsDescriptor;
import dev.unifiedplugins.actuate.PluginsEndpointWebExtension.ViolationsDescriptor;
import dev.unifiedplugins.actuate.WriteFixtures.InterferingStore;
import dev.unifiedplugins.concurrent.BoundedCalls;
import dev.unifiedplugins.config.ConfigViolation;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.inspection.PluginInspector;
import dev.unifiedplugins.shutdown.PluginShutdown;
import dev.unifiedplugins.testsupport.TestPlugins;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.annotation.JsonSerialize;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.actuate.endpoint.Sanitizer;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PluginsEndpointWebExtension}: each outcome of a write has its status,
 * and nothing is written unless it is a 200.
 */
@ExtendWith(OutputCaptureExtension.class)
class PluginsEndpointWebExtensionTests {

	private static final String ID = "stt_whisper";

	private static final JsonMapper json = JsonMapper.builder().build();

	@TempDir
	Path dir;

	private final BoundedCalls calls = new BoundedCalls("test-extension-", 4);

	private InterferingStore store;

	private UnifiedPluginRegistry registry;

	private PluginsEndpointWebExtension extension;

	@BeforeEach
	void setUp() {
		this.store = new InterferingStore(this.dir);
		this.registry = new UnifiedPluginRegistry(this.store);
		this.registry.registerPluginManager("stt", WriteFixtures.manager(new TestPlugins.Lifecycle(List::of)));
		PluginsEndpoint endpoint = new PluginsEndpoint(this.registry,
				new PluginInspector(this.registry, this.calls, Duration.ofSeconds(2)), new Sanitizer(), Show.ALWAYS,
				Set.of(), 1.0, null);
		this.extension = new PluginsEndpointWebExtension(endpoint, this.registry,
				new PluginsEndpointWriter(this.registry,
						new PluginShutdown(this.registry, this.calls, Duration.ofSeconds(2), (event, error) -> {
						}), Duration.ofSeconds(2),
						(event) -> {
						}));
	}

	@AfterEach
	void tearDown() {
		this.calls.close();
	}

	@Test
	void aValidSaveAnswersTheDetailViewWithTheNewRevision() {
		WebEndpointResponse<Object> response = save("{\"device\": \"cuda\", \"beam_size\": 3}", null);

		assertThat(response.getStatus()).isEqualTo(200);
		PluginDetailDescriptor detail = (PluginDetailDescriptor) response.getBody();
		assertThat(detail.plugin().configured()).isTrue();
		assertThat(detail.revision()).isNotNull()
			.isEqualTo(this.registry.loadStoredPluginConfig(ID).orElseThrow().revision());
		assertThat(detail.config()).containsEntry("device", "cuda").containsEntry("beam_size", 3);
		assertThat(this.registry.loadPluginConfig(ID)).isEqualTo(Map.of("device", "cuda", "beam_size", 3));
	}

	@Test
	void anInvalidSaveAnswersEveryViolationWithoutValuesAndWritesNothing() {
		save("{\"device\": \"cpu\"}", null);

		WebEndpointResponse<Object> response = save(
				"{\"device\": \"tpu-secret\", \"beam_size\": 11, \"language\": \"english\"}", null);

		assertThat(response.getStatus()).isEqualTo(400);
		ViolationsDescriptor violations = (ViolationsDescriptor) response.getBody();
		assertThat(violations.violations()).extracting(ConfigViolation::path)
			.containsExactlyInAnyOrder("/device", "/beam_size", "/language");
		assertThat(json.writeValueAsString(violations)).doesNotContain("tpu-secret").doesNotContain("english");
		assertThat(this.registry.loadPluginConfig(ID)).isEqualTo(Map.of("device", "cpu"));
	}

	@Test
	void aConfigThatIsNotAJsonObjectIsABadRequestThatQuotesNothing() {
		assertThat(violations(save("[\"hf_SECRET\"]", null))).containsExactly(new ConfigViolation("", "config must be a JSON object"));
		assertThat(violations(save("{\"hf_token\": hf_SECRET}", null))).singleElement()
			.satisfies((violation) -> assertThat(violation.message()).startsWith("config is not valid JSON (line 1, column")
				.doesNotContain("hf_SECRET"));
		assertThat(violations(save("{} {}", null))).singleElement()
			.satisfies((violation) -> assertThat(violation.message()).startsWith("config is not valid JSON"));
		assertThat(violations(save(null, null)))
			.containsExactly(new ConfigViolation("", "config is required: send the configuration as {\"config\": {...}}"));
		assertThat(Files.exists(this.dir.resolve(ID + ".json"))).isFalse();
	}

	@Test
	void aStaleRevisionIsAConflictAndWritesNothing() {
		String first = revision(save("{\"device\": \"cpu\"}", null));
		save("{\"device\": \"cuda\"}", first);

		WebEndpointResponse<Object> response = save("{\"beam_size\": 2}", first);

		assertThat(response.getStatus()).isEqualTo(409);
		assertThat(((MessageDescriptor) response.getBody()).message()).contains("stt_whisper")
			.contains("changed elsewhere");
		assertThat(this.registry.loadPluginConfig(ID)).isEqualTo(Map.of("device", "cuda"));
	}

	@Test
	void anEmptyRevisionExpectsNothingSaved() {
		assertThat(save("{\"device\": \"cpu\"}", "").getStatus()).isEqualTo(200);

		assertThat(save("{\"device\": \"cuda\"}", "").getStatus()).isEqualTo(409);
		assertThat(this.registry.loadPluginConfig(ID)).isEqualTo(Map.of("device", "cpu"));
	}

	@Test
	void anAbsentRevisionLetsTheLastWriterWin() {
		save("{\"device\": \"cpu\"}", null);

		assertThat(save("{\"device\": \"cuda\"}", null).getStatus()).isEqualTo(200);
		assertThat(this.registry.loadPluginConfig(ID)).isEqualTo(Map.of("device", "cuda"));
	}

	@Test
	void aMaskedSecretSentBackKeepsTheSavedOneAndIsNeverShown() {
		String first = revision(save("{\"device\": \"cpu\", \"hf_token\": \"hf_SECRET\"}", null));

		WebEndpointResponse<Object> response = save("{\"device\": \"cuda\", \"hf_token\": \"******\"}", first);

		assertThat(response.getStatus()).isEqualTo(200);
		assertThat(this.registry.loadPluginConfig(ID)).containsEntry("hf_token", "hf_SECRET");
		// Shown with show-values=always, yet write-only.
		assertThat(json.writeValueAsString(response.getBody())).contains("\"hf_token\":\"******\"")
			.contains("\"device\":\"cuda\"")
			.doesNotContain("hf_SECRET");
	}

	@Test
	void aStoreThatFailsIsServiceUnavailableAndChangesNothing() {
		save("{\"device\": \"cpu\"}", null);
		this.store.failWrites();

		WebEndpointResponse<Object> response = save("{\"device\": \"cuda\"}", null);

		assertThat(response.getStatus()).isEqualTo(503);
		assertThat(((MessageDescriptor) response.getBody()).message()).contains("stt_whisper")
			.contains("previous configuration is unchanged");
		assertThat(this.registry.loadPluginConfig(ID)).isEqualTo(Map.of("device", "cpu"));
	}

	@Test
	void aWriteWhoseOutcomeIsUnknownIsServiceUnavailableSayingSoNotUnchanged() {
		save("{\"device\": \"cpu\"}", null);
		this.store.loseConnectionsOnWrites();

		WebEndpointResponse<Object> saved = save("{\"device\": \"cuda\"}", null);
		WebEndpointResponse<Object> deleted = this.extension.delete(ID, SecurityContext.NONE);

		for (WebEndpointResponse<Object> response : List.of(saved, deleted)) {
			assertThat(response.getStatus()).isEqualTo(503);
			assertThat(((MessageDescriptor) response.getBody()).message()).contains("stt_whisper")
				.contains("whether it was written is unknown: read the configuration again")
				.doesNotContain("unchanged");
		}
	}

	@Test
	void aHistoryTheStoreCannotReadIsServiceUnavailableWithoutClaimingAWrite() {
		save("{\"device\": \"cpu\"}", null);
		this.store.failWrites();

		WebEndpointResponse<Object> response = this.extension.revisions(ID, "revisions");

		assertThat(response.getStatus()).isEqualTo(503);
		assertThat(((MessageDescriptor) response.getBody()).message())
			.isEqualTo("Could not read the history of the configuration of plugin 'stt_whisper': the config store"
					+ " failed (see the application's log)");
	}

	@Test
	void aReadTheStoreFailsIsLoggedOnceWithItsCauseAndItsStackTrace(CapturedOutput output) {
		save("{\"device\": \"cpu\"}", null);
		this.store.failWrites();
		int before = output.length();

		this.extension.revisions(ID, "revisions");

		// As the registry logs a failed write: one warning line, and the stack trace after it.
		String logged = output.toString().substring(before);
		assertThat(logged.lines().filter((line) -> line.contains("Could not read the history of")))
			.singleElement()
			.asString()
			.contains("WARN")
			.contains("'stt_whisper'");
		assertThat(logged).containsPattern("\\n\\tat dev\\.unifiedplugins\\.");
	}

	@Test
	void aDeleteTheStoreCannotDoIsServiceUnavailableAndKeepsTheConfiguration() {
		save("{\"device\": \"cpu\"}", null);
		this.store.failWrites();

		WebEndpointResponse<Object> response = this.extension.delete(ID, SecurityContext.NONE);

		assertThat(response.getStatus()).isEqualTo(503);
		assertThat(((MessageDescriptor) response.getBody()).message()).contains("delete").contains("stt_whisper");
		assertThat(this.store.files().load(ID)).contains(Map.of("device", "cpu"));
	}

	@Test
	void unknownPluginsAreNotFoundAndIllegalIdsAreBadRequests() {
		assertThat(this.extension.save("stt_nope", "{}", null, null, null, null, SecurityContext.NONE).getStatus())
			.isEqualTo(404);
		assertThat(this.extension.delete("stt_nope", SecurityContext.NONE).getStatus()).isEqualTo(404);
		assertThat(this.extension.stopResources("stt_nope", "resources", SecurityContext.NONE).getStatus())
			.isEqualTo(404);
		assertThat(this.extension.stopResources("stt_worker", "other", SecurityContext.NONE).getStatus())
			.isEqualTo(404);
		// Answered here, with the rule: Boot's own 400 for an InvalidEndpointRequestException says nothing.
		for (WebEndpointResponse<Object> refused : List.of(
				this.extension.save("../etc", "{}", null, null, null, null, SecurityContext.NONE),
				this.extension.delete("../etc", SecurityContext.NONE),
				this.extension.stopResources("../etc", "resources", SecurityContext.NONE))) {
			assertThat(refused.getStatus()).isEqualTo(400);
			assertThat(violations(refused)).singleElement()
				.satisfies((violation) -> assertThat(violation.message()).startsWith("Illegal plugin unique id: use 1")
					.doesNotContain("etc"));
		}
	}

	@Test
	void aDeleteAnswersTheDetailViewWithoutRevision() {
		save("{\"device\": \"cuda\"}", null);

		WebEndpointResponse<Object> response = this.extension.delete(ID, SecurityContext.NONE);

		assertThat(response.getStatus()).isEqualTo(200);
		PluginDetailDescriptor detail = (PluginDetailDescriptor) response.getBody();
		assertThat(detail.revision()).isNull();
		assertThat(detail.plugin().configured()).isFalse();
		assertThat(detail.config()).containsEntry("device", "cpu");
		assertThat(json.writeValueAsString(detail)).contains("\"revision\":null");
	}

	@Test
	void stoppingResourcesAnswersWhatWasDone() {
		WebEndpointResponse<Object> response = this.extension.stopResources("stt_worker", "resources",
				SecurityContext.NONE);

		assertThat(response.getStatus()).isEqualTo(200);
		assertThat(response.getBody()).isEqualTo(new ResourcesDescriptor(true, false, List.of(), List.of()));
	}

	@Test
	void aRestoreBringsBackTheOldValuesSecretIncludedAndAnswersTheDetailView() {
		String first = revision(save("{\"device\": \"cpu\", \"hf_token\": \"hf_FIRST\"}", null));
		String second = revision(save("{\"device\": \"cuda\", \"hf_token\": \"hf_SECOND\"}", first));

		WebEndpointResponse<Object> response = restore(first, second);

		assertThat(response.getStatus()).isEqualTo(200);
		PluginDetailDescriptor detail = (PluginDetailDescriptor) response.getBody();
		assertThat(detail.revision()).isEqualTo(this.registry.loadStoredPluginConfig(ID).orElseThrow().revision());
		assertThat(detail.config()).containsEntry("device", "cpu").containsEntry("hf_token", "******");
		assertThat(this.registry.loadPluginConfig(ID)).isEqualTo(Map.of("device", "cpu", "hf_token", "hf_FIRST"));
		assertThat(this.registry.getConfigHistory(ID)).hasSize(3);
	}

	@Test
	void aRestoreAnswersAsASaveDoesWhenItCannotBeDone() {
		String first = revision(save("{\"device\": \"cpu\"}", null));
		String second = revision(save("{\"device\": \"cuda\"}", first));

		assertThat(restore(first, first).getStatus()).as("stale current revision").isEqualTo(409);
		WebEndpointResponse<Object> unknown = restore("0123456789abcdef0123456789abcdef", second);
		assertThat(unknown.getStatus()).isEqualTo(404);
		assertThat(((MessageDescriptor) unknown.getBody()).message()).contains(ID)
			.contains("0123456789abcdef0123456789abcdef");
		assertThat(this.extension.save(ID, "{}", second, first, null, null, SecurityContext.NONE).getStatus())
			.as("config and restore").isEqualTo(400);
		this.extension.delete(ID, SecurityContext.NONE);
		String deletion = this.registry.getConfigHistory(ID).get(0).revision();
		assertThat(violations(restore(deletion, ""))).singleElement()
			.satisfies((violation) -> assertThat(violation.message()).contains("is a deletion"));
		assertThat(this.registry.loadStoredPluginConfig(ID)).isEmpty();

		assertThat(restore(first, "").getStatus()).isEqualTo(200);
		this.store.failWrites();
		WebEndpointResponse<Object> failed = restore(second, first);
		assertThat(failed.getStatus()).isEqualTo(503);
		assertThat(((MessageDescriptor) failed.getBody()).message()).contains("restore").contains(ID);
		assertThat(this.registry.loadPluginConfig(ID)).isEqualTo(Map.of("device", "cpu"));
	}

	@Test
	void theHistoryListsRevisionsAndShowsOneMaskedAsTheDetailView() {
		String first = revision(save("{\"device\": \"cpu\", \"hf_token\": \"hf_FIRST\"}", null));
		String second = revision(save("{\"device\": \"cuda\"}", first));
		this.extension.delete(ID, SecurityContext.NONE);

		WebEndpointResponse<Object> list = this.extension.revisions(ID, "revisions");

		assertThat(list.getStatus()).isEqualTo(200);
		List<RevisionDescriptor> revisions = ((RevisionsDescriptor) list.getBody()).revisions();
		assertThat(revisions).extracting(RevisionDescriptor::revision).endsWith(second, first);
		assertThat(revisions).extracting(RevisionDescriptor::deleted).containsExactly(true, false, false);
		RevisionDetailDescriptor old = (RevisionDetailDescriptor) this.extension
			.revision(ID, "revisions", first, SecurityContext.NONE)
			.getBody();
		assertThat(old.entry()).isEqualTo(revisions.get(2));
		assertThat(old.config()).isEqualTo(Map.of("device", "cpu", "hf_token", "******"));
		RevisionDetailDescriptor deletion = (RevisionDetailDescriptor) this.extension
			.revision(ID, "revisions", revisions.get(0).revision(), SecurityContext.NONE)
			.getBody();
		assertThat(deletion.entry().deleted()).isTrue();
		assertThat(deletion.config()).isNull();
		assertThat(deletion.changes()).isNull();
		assertThat(json.writeValueAsString(old)).doesNotContain("hf_FIRST").contains("\"writtenBy\":");
	}

	@Test
	void aRevisionIsShownWithoutChangesWhenTheCurrentConfigurationCannotBeRead() {
		String first = revision(save("{\"device\": \"cpu\"}", null));
		save("{\"device\": \"cuda\"}", first);
		this.store.failLoads();

		WebEndpointResponse<Object> response = this.extension.revision(ID, "revisions", first, SecurityContext.NONE);

		// The revision was read: a second read that fails leaves out only the comparison.
		assertThat(response.getStatus()).isEqualTo(200);
		RevisionDetailDescriptor old = (RevisionDetailDescriptor) response.getBody();
		assertThat(old.config()).containsEntry("device", "cpu");
		assertThat(old.changes()).isNull();
	}

	@Test
	void theHistoryOfAnUnknownPluginOrRevisionIsNotFound() {
		assertThat(this.extension.revisions("stt_nope", "revisions").getStatus()).isEqualTo(404);
		assertThat(this.extension.revisions(ID, "other").getStatus()).isEqualTo(404);
		assertThat(this.extension.revision(ID, "revisions", "abc", SecurityContext.NONE).getStatus()).isEqualTo(404);
		assertThat(this.extension.revision("stt_nope", "revisions", "abc", SecurityContext.NONE).getStatus())
			.isEqualTo(404);
		assertThat(this.extension.revisions("../etc", "revisions").getStatus()).isEqualTo(400);
		assertThat(((RevisionsDescriptor) this.extension.revisions(ID, "revisions").getBody()).revisions()).isEmpty();
	}

	@Test
	void responseTypesArePlainRecords() {
		for (Class<?> type : PluginsEndpointWebExtension.class.getDeclaredClasses()) {
			assertThat(type.isRecord()).as(type.getName()).isTrue();
			assertThat(type.getAnnotation(JsonSerialize.class)).as(type.getName()).isNull();
		}
	}

	private WebEndpointResponse<Object> restore(String restore, String revision) {
		return this.extension.save(ID, null, revision, restore, null, null, SecurityContext.NONE);
	}

	private WebEndpointResponse<Object> save(String config, String revision) {
		return this.extension.save(ID, config, revision, null, null, null, SecurityContext.NONE);
	}

	private static String revision(WebEndpointResponse<Object> response) {
		assertThat(response.getStatus()).isEqualTo(200);
		return ((PluginDetailDescriptor) response.getBody()).revision();
	}

	private static List<ConfigViolation> violations(WebEndpointResponse<Object> response) {
		assertThat(response.getStatus()).isEqualTo(400);
		return ((ViolationsDescriptor) response.getBody()).violations();
	}

}
