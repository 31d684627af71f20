package dev.unifiedplugins.actuate;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

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
		assertUnchanged("{\"config\": {\"a\": 1}, \"config\": \"{}\"}");
		assertThat(rewrite("{\"config\": \"{}\", \"config\": {\"a\": 1}}").get("config").asString())
			.isEqualTo("{\"a\": 1}");
	}

	@Test
	void aBodyWithoutAnObjectConfigIsPassedOnAsItIs() {
		assertUnchanged("{\"config\": \"{}\"}");
		assertUnchanged("{\"config\": null}");
		assertUnchanged("{\"revision\": \"x\"}");
		assertUnchanged("");
		assertUnchanged(" \n");
	}

	@Test
	void numbersOfAnyLengthAndNaNInTheConfigArePassedOnForTheOperationToName() {
		String config = "{\"big\": " + "9".repeat(5000) + ", \"nan\": NaN, \"tiny\": 1.5e-400}";
		assertThat(rewrite("{\"config\": " + config + "}").get("config").asString()).isEqualTo(config);
	}

	@Test
	void whatBootCouldNotReadIsRefusedSayingWhyWithoutQuotingIt() {
		assertRefused("[{\"config\": {}}]", "The request body must be a JSON object");
		assertRefused("\"secret-value\"", "The request body must be a JSON object");
		assertRefused("{\"config\": {\"a\": 1}", "The request body is not valid JSON (line 1, column");
		assertRefused("{\"config\": {\"a\": secret-value}}", "The request body is not valid JSON (line 1, column");
		assertRefused("{\"config\": {\"a\": 1}} secret-value", "The request body is not valid JSON (line 1, column");
		assertRefused("{\"revision\": NaN, \"config\": {}}", "revision holds NaN or an infinity");
		assertRefused("{\"config\": -Infinity}", "config is NaN or an infinity");
	}

	@Test
	void aBodyThatIsNotUtf8IsRefusedNamingTheByte() {
		byte[] body = bytes("{\"config\": {\"a\": \"xx\"}}");
		body[17] = (byte) 0xff;
		assertThatExceptionOfType(ConfigObjectBody.Refused.class).isThrownBy(() -> ConfigObjectBody.rewrite(body))
			.withMessage("The request body is not valid UTF-8 (byte 17)");
	}

	private static void assertUnchanged(String body) {
		byte[] bytes = bytes(body);
		assertThat(ConfigObjectBody.rewrite(bytes)).isSameAs(bytes);
	}

	private static void assertRefused(String body, String message) {
		assertThatExceptionOfType(ConfigObjectBody.Refused.class)
			.isThrownBy(() -> ConfigObjectBody.rewrite(bytes(body)))
			.satisfies((ex) -> assertThat(ex.getMessage()).startsWith(message).doesNotContain("secret"));
	}

	private static JsonNode rewrite(String body) {
		byte[] sent = bytes(body);
		byte[] rewritten = ConfigObjectBody.rewrite(sent);
		assertThat(rewritten).isNotSameAs(sent);
		return json.readTree(rewritten);
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
