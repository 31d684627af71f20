package dev.unifiedplugins.actuate;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigObjectBodyTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	@Test
	void anObjectConfigBecomesItsExactTextAndTheOtherFieldsStay() {
		JsonNode body = rewrite("{\"revision\": \"abc\", \"config\": {\"n\": 1.10, \"big\": 123456789012345678901234567890,"
				+ " \"s\": \"caf\\u00e9 \\\"q\\\"\", \"nested\": [{}, []]}}");

		assertThat(body.get("revision").asString()).isEqualTo("abc");
		assertThat(body.get("config").asString()).isEqualTo(
				"{\"n\": 1.10, \"big\": 123456789012345678901234567890, \"s\": \"caf\\u00e9 \\\"q\\\"\", \"nested\": [{}, []]}");
	}

	@Test
	void multiByteCharactersKeepTheirBytes() {
		assertThat(rewrite("{\"config\": {\"name\": \"Größe ✓\"}}").get("config").asString())
			.isEqualTo("{\"name\": \"Größe ✓\"}");
	}

	@Test
	void anArrayIsPassedOnAsTextForTheOperationToRefuse() {
		assertThat(rewrite("{\"config\": [1, 2]}").get("config").asString()).isEqualTo("[1, 2]");
	}

	@Test
	void theLastConfigCountsAsWhenTheBodyIsReadAsAMap() {
		assertThat(ConfigObjectBody.rewrite(bytes("{\"config\": {\"a\": 1}, \"config\": \"{}\"}"))).isNull();
		assertThat(rewrite("{\"config\": \"{}\", \"config\": {\"a\": 1}}").get("config").asString())
			.isEqualTo("{\"a\": 1}");
	}

	@Test
	void whatIsNotAWellFormedObjectWithAnObjectConfigIsLeftAlone() {
		assertThat(ConfigObjectBody.rewrite(bytes("{\"config\": \"{}\"}"))).isNull();
		assertThat(ConfigObjectBody.rewrite(bytes("{\"config\": null}"))).isNull();
		assertThat(ConfigObjectBody.rewrite(bytes("{\"revision\": \"x\"}"))).isNull();
		assertThat(ConfigObjectBody.rewrite(bytes("[{\"config\": {}}]"))).isNull();
		assertThat(ConfigObjectBody.rewrite(bytes("{\"config\": {\"a\": 1}"))).isNull();
		assertThat(ConfigObjectBody.rewrite(bytes("{\"config\": {\"a\": 1}} trailing"))).isNull();
		assertThat(ConfigObjectBody.rewrite(bytes(""))).isNull();
	}

	private static JsonNode rewrite(String body) {
		byte[] rewritten = ConfigObjectBody.rewrite(bytes(body));
		assertThat(rewritten).isNotNull();
		return json.readTree(rewritten);
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
