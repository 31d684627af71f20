package dev.unifiedplugins.autoconfigure;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration processor documents every property, so IDEs show descriptions and
 * defaults.
 */
class ConfigurationMetadataTests {

	@Test
	void everyPropertyHasADescriptionAndTheDefaultsAreRecorded() throws Exception {
		Map<String, JsonNode> properties = new HashMap<>();
		try (InputStream metadata = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			assertThat(metadata).as("generated configuration metadata").isNotNull();
			JsonMapper.builder().build().readTree(metadata).get("properties").forEach((property) ->
				properties.put(property.get("name").asString(), property));
		}
		assertThat(properties).containsKeys("plugins.enabled", "plugins.config-dir", "plugins.auto-discover", "plugins.systems",
				"plugins.categories", "plugins.resource-timeout", "plugins.shutdown.cleanup",
				"plugins.shutdown.terminate-cloud-resources", "plugins.shutdown.reap-orphans",
				"plugins.cost.default-hours", "management.endpoint.plugins.show-values",
				"management.endpoint.plugins.roles", "plugins.store-type", "plugins.watch.enabled",
				"plugins.watch.rescan-interval", "plugins.jdbc.table-name", "plugins.jdbc.poll-interval",
				"plugins.jdbc.import-from-config-dir", "plugins.jdbc.initialize-schema", "plugins.jdbc.schema",
				"plugins.cloud.idle-timeout", "plugins.cloud.max-lifetime", "plugins.cloud.check-interval",
				"plugins.cost.budget.hourly-usd", "plugins.cost.budget.action", "plugins.history.size");
		properties.forEach((name, property) -> {
			if (name.startsWith("plugins.")) {
				assertThat(property.path("description").asString("")).as("description of " + name).isNotBlank();
			}
		});
		assertThat(properties.get("plugins.config-dir").get("defaultValue").asString()).isEqualTo("configs");
		assertThat(properties.get("plugins.history.size").get("defaultValue").asInt()).isEqualTo(20);
		assertThat(properties).containsKey("plugins.max-config-size");
		assertThat(properties.get("plugins.max-config-size").get("defaultValue").asString()).isEqualTo("4MB");
		assertThat(properties.get("plugins.resource-timeout").get("defaultValue").asString()).isEqualTo("2s");
		assertThat(properties.get("plugins.enabled").get("defaultValue").asBoolean()).isTrue();
		assertThat(properties.get("plugins.shutdown.terminate-cloud-resources").get("defaultValue").asBoolean())
			.isFalse();
		assertThat(properties.get("plugins.cost.default-hours").get("defaultValue").asDouble()).isEqualTo(1.0);
		assertThat(properties.get("plugins.store-type").get("defaultValue").asString()).isEqualTo("file");
		assertThat(properties.get("plugins.jdbc.table-name").get("defaultValue").asString()).isEqualTo("plugin_config");
		assertThat(properties.get("plugins.jdbc.poll-interval").get("defaultValue").asString()).isEqualTo("1s");
		assertThat(properties.get("plugins.jdbc.initialize-schema").get("defaultValue").asString())
			.isEqualTo("embedded");
		assertThat(properties.get("plugins.cloud.check-interval").get("defaultValue").asString()).isEqualTo("30s");
		assertThat(properties.get("plugins.cloud.idle-timeout").has("defaultValue")).isFalse();
		assertThat(properties.get("plugins.cost.budget.hourly-usd").has("defaultValue")).isFalse();
		assertThat(properties.get("plugins.cost.budget.action").get("defaultValue").asString()).isEqualTo("warn");
		assertThat(properties.get("management.endpoint.plugins.show-values").get("defaultValue").asString())
			.isEqualTo("never");
		assertThat(properties.get("plugins.ui.enabled").get("defaultValue").asBoolean()).isFalse();
		assertThat(properties.get("plugins.ui.path").get("defaultValue").asString()).isEqualTo("/plugins-ui");
	}

	@Test
	void hintsOfferTheValuesAnIdeShouldComplete() throws Exception {
		Map<String, JsonNode> hints = new HashMap<>();
		try (InputStream metadata = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			JsonMapper.builder().build().readTree(metadata).get("hints").forEach((hint) ->
				hints.put(hint.get("name").asString(), hint));
		}
		assertThat(values(hints.get("plugins.store-type"))).containsExactly("file", "jdbc");
		assertThat(values(hints.get("plugins.cost.budget.action"))).containsExactly("warn", "terminate");
		assertThat(values(hints.get("plugins.jdbc.initialize-schema"))).containsExactly("embedded", "always", "never");
		assertThat(values(hints.get("plugins.jdbc.platform"))).containsExactly("postgresql", "h2");
		assertThat(hints.get("plugins.systems.values.type").at("/providers/0/name").asString())
			.isEqualTo("class-reference");
		// Every value hinted for an enum is one the binder accepts.
		for (String type : values(hints.get("plugins.store-type"))) {
			assertThat(bind("plugins.store-type", type).getStoreType().name()).isEqualToIgnoringCase(type);
		}
		for (String action : values(hints.get("plugins.cost.budget.action"))) {
			assertThat(bind("plugins.cost.budget.action", action).getCost().getBudget().getAction().name())
				.isEqualToIgnoringCase(action);
		}
	}

	private static PluginsProperties bind(String name, String value) {
		return new Binder(new MapConfigurationPropertySource(Map.of(name, value))).bind("plugins", PluginsProperties.class)
			.get();
	}

	private static List<String> values(JsonNode hint) {
		assertThat(hint).as("hint").isNotNull();
		List<String> values = new ArrayList<>();
		hint.get("values").forEach((value) -> {
			values.add(value.get("value").asString());
			assertThat(value.path("description").asString("")).as("description of " + value).isNotBlank();
		});
		return values;
	}

}
