package dev.unifiedplugins.actuate;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.unifiedplugins.actuate.PluginsEndpoint.PluginDetailDescriptor;
import dev.unifiedplugins.concurrent.BoundedCalls;
import dev.unifiedplugins.config.HubConfig;
import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.inspection.PluginInspector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.actuate.endpoint.Sanitizer;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The single-plugin view honours the application's {@link SanitizingFunction} beans when
 * values are shown, the way Boot's {@code env} endpoint does.
 */
class PluginsEndpointSanitizingTests {

	@TempDir
	Path dir;

	private UnifiedPluginRegistry registry;

	private BoundedCalls calls;

	@BeforeEach
	void register() {
		this.registry = new UnifiedPluginRegistry(this.dir);
		this.registry.registerPluginManager("llm", () -> List.of(PluginDescriptor.builder("remote").build()));
		this.registry.savePluginConfig("llm_remote", Map.of("endpoint", "https://models.internal.example",
				"model", "llama3", "nested", Map.of("endpoint", "https://backup.internal.example")));
		this.calls = new BoundedCalls("test-", 2);
	}

	@AfterEach
	void close() {
		this.calls.close();
	}

	private PluginsEndpoint endpoint(Show show, SanitizingFunction... functions) {
		return new PluginsEndpoint(this.registry, new PluginInspector(this.registry, this.calls, Duration.ofSeconds(2)),
				new Sanitizer(List.of(functions)), show, Set.of(), 1.0, null);
	}

	@Test
	void sanitizingFunctionsApplyToShownValuesAtEveryDepth() {
		SanitizingFunction hideEndpoints = (data) -> data.getKey().endsWith("endpoint") ? data.withSanitizedValue()
				: data;
		PluginDetailDescriptor plugin = endpoint(Show.ALWAYS, hideEndpoints).plugin("llm_remote", SecurityContext.NONE);
		assertThat(plugin.config()).containsEntry("endpoint", "******").containsEntry("model", "llama3");
		assertThat(plugin.config().get("nested")).isEqualTo(Map.of("endpoint", "******"));
	}

	@Test
	void sanitizingFunctionsSeeTheDottedKeyPath() {
		SanitizingFunction hideNested = (data) -> data.getKey().equals("nested.endpoint") ? data.withValue("[hidden]")
				: data;
		PluginDetailDescriptor plugin = endpoint(Show.ALWAYS, hideNested).plugin("llm_remote", SecurityContext.NONE);
		assertThat(plugin.config()).containsEntry("endpoint", "https://models.internal.example");
		assertThat(plugin.config().get("nested")).isEqualTo(Map.of("endpoint", "[hidden]"));
	}

	@Test
	void schemaSecretsAndCredentialKeysStayMaskedEvenWhenValuesAreShown() {
		Map<String, Object> schema = Map.of("type", "object", "properties",
				Map.of("auth", Map.of("type", "object", "properties",
						Map.of("passphrase", Map.of("type", "string", "format", "password"), "user",
								Map.of("type", "string"))),
						"keys", Map.of("type", "array", "items", Map.of("type", "string", "writeOnly", true)),
						"region", Map.of("type", "string", "default", "eu-west-1")));
		this.registry.registerPluginManager("cloud",
				() -> List.of(PluginDescriptor.builder("gpu").configSchema(schema).build()));
		this.registry.savePluginConfig("cloud_gpu", Map.of("auth", Map.of("passphrase", "p4ss", "user", "ops"),
				"keys", List.of("k1", "k2"), "api_token", "t0ken"));
		PluginDetailDescriptor plugin = endpoint(Show.ALWAYS).plugin("cloud_gpu", SecurityContext.NONE);
		assertThat(plugin.config()).containsEntry("auth", Map.of("passphrase", "******", "user", "ops"))
			.containsEntry("keys", List.of("******", "******"))
			.containsEntry("api_token", "******")
			.containsEntry("region", "eu-west-1");
	}

	@Test
	void secretsOfRecordsBehindReferencesStayMaskedEvenWhenValuesAreShown() {
		this.registry.registerPluginManager("hub",
				() -> List.of(PluginDescriptor.builder("models").configClass(HubConfig.class).build()));
		Map<String, Object> tree = Map.of("label", "root", "pin", "pin-0", "child",
				Map.of("label", "leaf", "pin", "pin-1", "children", List.of(Map.of("pin", "pin-2"))));
		this.registry.savePluginConfig("hub_models", Map.of(
				"primary", Map.of("license", "lic-primary", "region", "eu"),
				"fallback", Map.of("license", "lic-fallback", "region", "us"),
				"hfKey", "hf-key",
				"pool", List.of(Map.of("license", "lic-pool-0", "region", "ap"), Map.of("license", "lic-pool-1")),
				"byName", Map.of("alpha", Map.of("license", "lic-alpha", "region", "sa")),
				"tree", tree));

		PluginDetailDescriptor plugin = endpoint(Show.ALWAYS).plugin("hub_models", SecurityContext.NONE);

		assertThat(plugin.config()).containsEntry("primary", Map.of("license", "******", "region", "eu"))
			.containsEntry("fallback", Map.of("license", "******", "region", "us"))
			.containsEntry("hfKey", "******")
			.containsEntry("pool", List.of(Map.of("license", "******", "region", "ap"), Map.of("license", "******")))
			.containsEntry("byName", Map.of("alpha", Map.of("license", "******", "region", "sa")))
			.containsEntry("tree", Map.of("label", "root", "pin", "******", "child",
					Map.of("label", "leaf", "pin", "******", "children", List.of(Map.of("pin", "******")))));
		assertThat(JsonMapper.builder().build().writeValueAsString(plugin)).doesNotContain("lic-", "hf-key", "pin-");
	}

	@Test
	void withoutShowValuesFunctionsCannotUnmask() {
		SanitizingFunction revealAll = (data) -> data.withValue("revealed");
		PluginDetailDescriptor plugin = endpoint(Show.NEVER, revealAll).plugin("llm_remote", SecurityContext.NONE);
		assertThat(plugin.config()).containsEntry("endpoint", "******").containsEntry("model", "******");
	}

}
