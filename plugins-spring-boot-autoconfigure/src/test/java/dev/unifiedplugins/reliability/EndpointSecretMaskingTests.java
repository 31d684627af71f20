package dev.unifiedplugins.reliability;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.unifiedplugins.actuate.PluginsEndpoint;
import dev.unifiedplugins.actuate.PluginsEndpoint.PluginDetailDescriptor;
import dev.unifiedplugins.concurrent.BoundedCalls;
import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.core.PluginManager;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.inspection.PluginInspector;
import dev.unifiedplugins.testsupport.TestPluginManager;
import dev.unifiedplugins.testsupport.TestPlugins;
import dev.unifiedplugins.testsupport.Unsecured;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.Sanitizer;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code plugins} endpoint never shows a configuration value unless
 * {@code show-values} allows it, masks every depth of nested maps and lists while keeping
 * the keys, and masks credential-like keys even when values are shown. Checked on the
 * endpoint's answer serialized to JSON, so nothing slips through a field the test did not
 * look at, and on the log output. A masked secret sent back keeps the saved one only while
 * the destinations beside it and above it stay: checked over real HTTP.
 */
@ExtendWith(OutputCaptureExtension.class)
class EndpointSecretMaskingTests {

	private static final String MASK = SanitizableData.SANITIZED_VALUE;

	private static final String GATEWAY = "llm_gateway";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HttpClient HTTP = HttpClient.newHttpClient();


	/** {@code llm_gateway}: a key and a URL, a callback of format uri, a nested upstream with its password. */
	private static final Map<String, Object> GATEWAY_SCHEMA = Map.of("type", "object", "properties",
			Map.of("api_key", Map.of("type", "string", "writeOnly", true), "endpoint_url", Map.of("type", "string"),
					"callback", Map.of("type", "string", "format", "uri"), "model", Map.of("type", "string"),
					"upstream",
					Map.of("type", "object", "properties",
							Map.of("url", Map.of("type", "string"), "auth",
									Map.of("type", "object", "properties", Map.of("password", Map.of("type", "string"))))),
					"logging", Map.of("type", "object", "properties", Map.of("url", Map.of("type", "string")))),
			"additionalProperties", false);

	/** Values that are secret whatever show-values says. */
	private static final List<String> CREDENTIALS = List.of("sk-live-123", "hunter2-pw", "cs-456-secret",
			"tok-1-abc", "tok-2-def", "bob-the-user", "rk-789-remote", "mr-token-xyz");

	/** Values shown only when show-values allows it. */
	private static final List<String> PLAIN_VALUES = List.of("gpt-4o-mini", "0.123456", "db.internal.example",
			"54321", "list-item-a", "deep-v", "public-client-id");

	@TempDir
	Path dir;

	private final BoundedCalls calls = new BoundedCalls("masking-test-", 4);

	private UnifiedPluginRegistry registry;

	@BeforeEach
	void registerPluginWithSecrets() {
		this.registry = new UnifiedPluginRegistry(this.dir);
		Map<String, Object> instances = new LinkedHashMap<>();
		instances.put("gpt", new TestPlugins.Cloud(
				() -> TestPlugins.running(Map.of("region_hint", "eu-west", "api_key", "rk-789-remote")), (hours) -> 1.0));
		instances.put("local", new TestPlugins.Lifecycle(List::of,
				() -> Map.of("url", "http://localhost:8000", "auth", Map.of("bearer_token", "mr-token-xyz"))));
		this.registry.registerPluginManager("llm", TestPluginManager.of(instances));
		Map<String, Object> config = new LinkedHashMap<>();
		config.put("model", "gpt-4o-mini");
		config.put("temperature", 0.123456);
		config.put("unset", null);
		config.put("nested", Map.of("host", "db.internal.example", "deeper",
				Map.of("port", 54321, "list", List.of("list-item-a", Map.of("k", "deep-v")))));
		config.put("api_key", "sk-live-123");
		config.put("password", "hunter2-pw");
		config.put("auth", Map.of("client_secret", "cs-456-secret", "client_id", "public-client-id"));
		config.put("tokens", List.of("tok-1-abc", "tok-2-def"));
		config.put("credentials", Map.of("user", "bob-the-user"));
		assertThat(this.registry.savePluginConfig("llm_gpt", config)).isTrue();
	}

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@AfterEach
	void closeCalls() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
		this.calls.close();
	}

	@Test
	void aMaskedSecretBesideAChangedUrlIsRefusedOverHttpAndNothingIsWritten() throws Exception {
		String base = start();
		assertThat(post(base, "{\"config\": {\"api_key\": \"sk-live-REAL\", \"endpoint_url\": \"https://api.example\", "
				+ "\"model\": \"m1\"}}").statusCode()).isEqualTo(200);
		Path file = this.dir.resolve("app").resolve(GATEWAY + ".json");
		byte[] saved = Files.readAllBytes(file);
		// show-values=never, the default: what a client reads is masked.
		assertThat(detailConfig(base).get("api_key").asString()).isEqualTo(MASK);

		HttpResponse<String> attack = post(base,
				"{\"config\": {\"api_key\": \"******\", \"endpoint_url\": \"https://attacker.example\"}}");

		assertThat(attack.statusCode()).as(attack.body()).isEqualTo(400);
		JsonNode violations = JSON.readTree(attack.body()).get("violations");
		assertThat(violations.size()).isEqualTo(1);
		assertThat(violations.get(0).get("path").asString()).isEqualTo("/api_key");
		assertThat(violations.get(0).get("message").asString()).contains("resend the secret").contains("/endpoint_url");
		assertThat(attack.body()).doesNotContain("attacker").doesNotContain("sk-live").doesNotContain("api.example");
		assertThat(Files.readAllBytes(file)).isEqualTo(saved);

		HttpResponse<String> resent = post(base,
				"{\"config\": {\"api_key\": \"sk-live-OTHER\", \"endpoint_url\": \"https://other.example\"}}");
		assertThat(resent.statusCode()).as(resent.body()).isEqualTo(200);
		assertThat(JSON.readTree(Files.readString(file))).isEqualTo(
				JSON.readTree("{\"api_key\": \"sk-live-OTHER\", \"endpoint_url\": \"https://other.example\"}"));
	}

	@Test
	void whatAClientReadSentBackWithAnUnchangedUrlKeepsTheKeyAndAChangedFormatUriDoesNot() throws Exception {
		String base = start();
		assertThat(post(base, "{\"config\": {\"api_key\": \"sk-live-REAL\", \"endpoint_url\": \"https://api.example\", "
				+ "\"callback\": \"https://hooks.example\", \"model\": \"m1\"}}").statusCode()).isEqualTo(200);
		Path file = this.dir.resolve("app").resolve(GATEWAY + ".json");

		Map<String, Object> read = JSON.convertValue(detailConfig(base), Map.class);
		read.put("model", "m2");
		HttpResponse<String> saved = post(base, JSON.writeValueAsString(Map.of("config", read)));

		assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
		assertThat(JSON.readTree(Files.readString(file))).isEqualTo(JSON.readTree("{\"api_key\": \"sk-live-REAL\", "
				+ "\"endpoint_url\": \"https://api.example\", \"callback\": \"https://hooks.example\", \"model\": \"m2\"}"));

		byte[] before = Files.readAllBytes(file);
		read.put("callback", "https://attacker.example");
		HttpResponse<String> refused = post(base, JSON.writeValueAsString(Map.of("config", read)));
		assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
		JsonNode violations = JSON.readTree(refused.body()).get("violations");
		assertThat(violations.size()).isEqualTo(1);
		assertThat(violations.get(0).get("path").asString()).isEqualTo("/api_key");
		assertThat(violations.get(0).get("message").asString()).contains("/callback");
		assertThat(Files.readAllBytes(file)).isEqualTo(before);
	}

	@Test
	void aNestedSecretFollowsAUrlAboveItOverHttpButNotOneInASiblingObject() throws Exception {
		String base = start();
		assertThat(post(base, "{\"config\": {\"upstream\": {\"url\": \"https://up.example\", "
				+ "\"auth\": {\"password\": \"pw-REAL\"}}, \"logging\": {\"url\": \"https://logs.example\"}}}")
			.statusCode()).isEqualTo(200);
		Path file = this.dir.resolve("app").resolve(GATEWAY + ".json");

		HttpResponse<String> sibling = post(base, "{\"config\": {\"upstream\": {\"url\": \"******\", "
				+ "\"auth\": {\"password\": \"******\"}}, \"logging\": {\"url\": \"https://other-logs.example\"}}}");
		assertThat(sibling.statusCode()).as(sibling.body()).isEqualTo(200);
		assertThat(JSON.readTree(Files.readString(file))).isEqualTo(JSON.readTree("{\"upstream\": {\"url\": "
				+ "\"https://up.example\", \"auth\": {\"password\": \"pw-REAL\"}}, "
				+ "\"logging\": {\"url\": \"https://other-logs.example\"}}"));

		byte[] before = Files.readAllBytes(file);
		HttpResponse<String> above = post(base, "{\"config\": {\"upstream\": {\"url\": \"https://attacker.example\", "
				+ "\"auth\": {\"password\": \"******\"}}, \"logging\": {\"url\": \"******\"}}}");
		assertThat(above.statusCode()).as(above.body()).isEqualTo(400);
		JsonNode violations = JSON.readTree(above.body()).get("violations");
		assertThat(violations.size()).isEqualTo(1);
		assertThat(violations.get(0).get("path").asString()).isEqualTo("/upstream/auth/password");
		assertThat(violations.get(0).get("message").asString()).contains("/upstream/url");
		assertThat(Files.readAllBytes(file)).isEqualTo(before);
	}

	@Test
	void neverMasksEveryValueAtEveryDepthAndKeepsTheKeys() throws Exception {
		PluginDetailDescriptor detail = endpoint(Show.NEVER).plugin("llm_gpt", user("ADMIN"));
		Map<String, Object> config = detail.config();

		assertThat(config).containsOnlyKeys("model", "temperature", "unset", "nested", "api_key", "password", "auth",
				"tokens", "credentials");
		assertThat(config).containsEntry("model", MASK).containsEntry("temperature", MASK).containsEntry("api_key", MASK);
		Map<?, ?> nested = (Map<?, ?>) config.get("nested");
		assertThat(nested.get("host")).isEqualTo(MASK);
		Map<?, ?> deeper = (Map<?, ?>) nested.get("deeper");
		assertThat(deeper.get("port")).isEqualTo(MASK);
		List<?> list = (List<?>) deeper.get("list");
		assertThat(list).hasSize(2);
		assertThat(list.get(0)).isEqualTo(MASK);
		assertThat(list.get(1)).isEqualTo(Map.of("k", MASK));
		assertThat(config.get("tokens")).isEqualTo(List.of(MASK, MASK));
		assertThat(leaves(config)).allSatisfy((leaf) -> assertThat(leaf).isIn(MASK, null));

		assertThat(json(detail)).doesNotContain(concat(CREDENTIALS, PLAIN_VALUES));
	}

	@Test
	void alwaysShowsPlainValuesButStillMasksCredentialLikeKeys() throws Exception {
		PluginDetailDescriptor detail = endpoint(Show.ALWAYS).plugin("llm_gpt", SecurityContext.NONE);
		Map<String, Object> config = detail.config();

		assertThat(config).containsEntry("model", "gpt-4o-mini")
			.containsEntry("api_key", MASK)
			.containsEntry("password", MASK)
			.containsEntry("tokens", List.of(MASK, MASK))
			.containsEntry("credentials", Map.of("user", MASK));
		assertThat(config.get("auth")).isEqualTo(Map.of("client_secret", MASK, "client_id", "public-client-id"));
		assertThat(json(detail)).contains("db.internal.example", "54321", "deep-v").doesNotContain(CREDENTIALS);
	}

	@Test
	void whenAuthorizedShowsValuesOnlyToAUserWithTheRole() throws Exception {
		PluginsEndpoint endpoint = endpoint(Show.WHEN_AUTHORIZED);

		PluginDetailDescriptor admin = endpoint.plugin("llm_gpt", user("ADMIN"));
		assertThat(admin.config()).containsEntry("model", "gpt-4o-mini").containsEntry("api_key", MASK);
		assertThat(json(admin)).doesNotContain(CREDENTIALS);

		for (SecurityContext unauthorized : List.of(user("VIEWER"), user(), SecurityContext.NONE)) {
			PluginDetailDescriptor detail = endpoint.plugin("llm_gpt", unauthorized);
			assertThat(detail.config()).containsEntry("model", MASK);
			assertThat(json(detail)).doesNotContain(concat(CREDENTIALS, PLAIN_VALUES));
		}
	}

	@Test
	void whenAuthorizedWithoutRolesShowsValuesToAnyAuthenticatedUser() {
		PluginsEndpoint endpoint = new PluginsEndpoint(this.registry, inspector(), new Sanitizer(List.of()),
				Show.WHEN_AUTHORIZED, Set.of(), 1.0, null);
		assertThat(endpoint.plugin("llm_gpt", user()).config()).containsEntry("model", "gpt-4o-mini");
		assertThat(endpoint.plugin("llm_gpt", SecurityContext.NONE).config()).containsEntry("model", MASK);
	}

	@Test
	void theApplicationsSanitizingFunctionsAreHonoured() {
		SanitizingFunction hideHosts = (data) -> data.getKey().endsWith("host") ? data.withValue(MASK) : data;
		PluginsEndpoint endpoint = new PluginsEndpoint(this.registry, inspector(), new Sanitizer(List.of(hideHosts)),
				Show.ALWAYS, Set.of(), 1.0, null);
		Map<?, ?> nested = (Map<?, ?>) endpoint.plugin("llm_gpt", SecurityContext.NONE).config().get("nested");
		assertThat(nested.get("host")).isEqualTo(MASK);
		assertThat(((Map<?, ?>) nested.get("deeper")).get("port")).isEqualTo(54321);
	}

	@Test
	void managedResourcesAndRemoteResourceMetadataMaskCredentialLikeKeys() throws Exception {
		PluginsEndpoint endpoint = endpoint(Show.ALWAYS);
		PluginDetailDescriptor local = endpoint.plugin("llm_local", SecurityContext.NONE);
		assertThat(local.managedResources()).containsEntry("url", "http://localhost:8000")
			.containsEntry("auth", Map.of("bearer_token", MASK));
		PluginDetailDescriptor gpt = endpoint.plugin("llm_gpt", SecurityContext.NONE);
		assertThat(gpt.plugin().remoteResource().metadata()).containsEntry("region_hint", "eu-west")
			.containsEntry("api_key", MASK);
		assertThat(json(endpoint.plugins(null))).contains("eu-west").doesNotContain(CREDENTIALS);
		assertThat(json(gpt)).doesNotContain(CREDENTIALS);
		assertThat(json(local)).doesNotContain(CREDENTIALS);
	}

	@Test
	void theListOfAllPluginsShowsNoConfigValues() throws Exception {
		assertThat(json(endpoint(Show.ALWAYS).plugins(2.0))).doesNotContain(concat(CREDENTIALS, PLAIN_VALUES));
	}

	@Test
	void aCorruptConfigHoldingASecretIsReportedWithoutIt(CapturedOutput output) throws Exception {
		Files.writeString(this.dir.resolve("llm_local.json"), "{\"password\": hunter2-pw}");
		PluginDetailDescriptor detail = endpoint(Show.ALWAYS).plugin("llm_local", user("ADMIN"));
		assertThat(detail.plugin().error()).contains("llm_local.json").contains("not valid JSON");
		assertThat(detail.config()).isEmpty();
		assertThat(json(detail)).doesNotContain("hunter2");
		assertThat(output).doesNotContain("hunter2");
	}

	@Test
	void savingAnInvalidCredentialValueLogsAndThrowsWithoutIt(CapturedOutput output) {
		Throwable error = org.assertj.core.api.Assertions.catchThrowable(
				() -> this.registry.savePluginConfig("llm_local",
						Map.of("auth", Map.of("password", new BigDecimal("4.2e400")))));
		assertThat(error).hasMessageContaining("auth.password").hasMessageNotContaining("4.2");
		assertThat(output).doesNotContain("4.2");
	}

	private String start() {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(GatewayApplication.class)
			.web(WebApplicationType.SERVLET)
			.run("--server.port=0", "--server.address=127.0.0.1", "--plugins.config-dir=" + this.dir.resolve("app"),
					"--spring.main.banner-mode=off", Unsecured.EXCLUDE,
					"--management.endpoints.web.exposure.include=plugins",
					"--management.endpoint.plugins.access=unrestricted");
		this.contexts.add(context);
		return "http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	private static HttpResponse<String> post(String base, String body) throws Exception {
		return HTTP.send(HttpRequest.newBuilder(URI.create(base + "/actuator/plugins/" + GATEWAY))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static JsonNode detailConfig(String base) throws Exception {
		HttpResponse<String> detail = HTTP.send(
				HttpRequest.newBuilder(URI.create(base + "/actuator/plugins/" + GATEWAY)).GET().build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(detail.statusCode()).isEqualTo(200);
		return JSON.readTree(detail.body()).get("config");
	}

	private PluginsEndpoint endpoint(Show show) {
		return new PluginsEndpoint(this.registry, inspector(), new Sanitizer(List.of()), show, Set.of("ADMIN"), 1.0,
				null);
	}

	private PluginInspector inspector() {
		return new PluginInspector(this.registry, this.calls, Duration.ofSeconds(5));
	}

	private static SecurityContext user(String... roles) {
		Principal principal = () -> "alice";
		return new SecurityContext() {

			@Override
			public Principal getPrincipal() {
				return principal;
			}

			@Override
			public boolean isUserInRole(String role) {
				return Arrays.asList(roles).contains(role);
			}

		};
	}

	private static String json(Object value) {
		return JsonMapper.builder().build().writeValueAsString(value);
	}

	private static String[] concat(List<String> first, List<String> second) {
		List<String> all = new ArrayList<>(first);
		all.addAll(second);
		return all.toArray(String[]::new);
	}

	private static List<@Nullable Object> leaves(@Nullable Object value) {
		List<@Nullable Object> leaves = new ArrayList<>();
		if (value instanceof Map<?, ?> map) {
			map.values().forEach((child) -> leaves.addAll(leaves(child)));
		}
		else if (value instanceof List<?> list) {
			list.forEach((child) -> leaves.addAll(leaves(child)));
		}
		else {
			leaves.add(value);
		}
		return leaves;
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class GatewayApplication {

		@Bean
		PluginManager llmPluginManager() {
			return new TestPluginManager(PluginDescriptor.builder("gateway").configSchema(GATEWAY_SCHEMA).build()) {

				@Override
				public String category() {
					return "llm";
				}

			};
		}

	}

}
