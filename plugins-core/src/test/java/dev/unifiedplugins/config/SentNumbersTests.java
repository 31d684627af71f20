package dev.unifiedplugins.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Numbers sent as JSON text ({@link ConfigJson#parseSent}) or as {@link BigDecimal}s are
 * kept as sent or refused by their path, never changed.
 */
class SentNumbersTests {

	@TempDir
	Path dir;

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			1e400                     | out of a double's range
			1E+2147483648             | out of a double's range
			1.5e-400                  | too close to zero
			0.10000000000000000000001 | more precise than a double
			1.2e-323                  | more precise than a double
			NaN                       | NaN or an infinity
			-Infinity                 | NaN or an infinity
			""")
	void aNumberThatWouldNotReadBackAsSentIsRefusedByItsPath(String number, String problem) {
		assertThatExceptionOfType(PluginConfigValidationException.class)
			.isThrownBy(() -> ConfigJson.parseSent("llm_x", "{\"a\": {\"b/c\": [0, " + number + "]}}"))
			.satisfies((ex) -> assertThat(ex.violations()).singleElement().satisfies((violation) -> {
				assertThat(violation.path()).isEqualTo("/a/b~1c/1");
				assertThat(violation.message()).contains(problem);
				if (Character.isDigit(number.charAt(0))) {
					assertThat(violation.message()).doesNotContain(number);
				}
			}));
	}

	@ParameterizedTest
	@ValueSource(strings = { "0.1", "0.10", "1e300", "5e-324", "4.9E-324", "0.10000000000000001", "1.7976931348623157e308",
			"-0.0", "0e-999", "2.5", "1E+3" })
	void aNumberADoubleHoldsIsReadAsThatDouble(String number) {
		assertThat(ConfigJson.parseSent("llm_x", "{\"n\": " + number + "}"))
			.isEqualTo(Map.of("n", Double.parseDouble(number)));
	}

	@Test
	void integersKeepEveryDigitUpTo4300() {
		String digits = "9".repeat(4300);
		Map<String, Object> config = ConfigJson.parseSent("llm_x", "{\"n\": -" + digits + ", \"small\": 7}");
		assertThat(config).containsEntry("n", new BigInteger("-" + digits)).containsEntry("small", 7);
		assertThatExceptionOfType(PluginConfigValidationException.class)
			.isThrownBy(() -> ConfigJson.parseSent("llm_x", "{\"list\": [" + digits + "9]}"))
			.satisfies((ex) -> assertThat(ex.violations())
				.containsExactly(new ConfigViolation("/list/0", "is an integer of more than 4300 digits, more than "
						+ "JSON readers accept (this store's and Python's)")));
	}

	@Test
	void textThatIsNotAJsonObjectIsRefusedSayingWhereWithoutQuotingIt() {
		assertThat(refusal("{\"a\":\n secret}")).startsWith("config is not valid JSON (line 2, column")
			.doesNotContain("secret");
		assertThat(refusal("{} secret")).startsWith("config is not valid JSON (line 1, column");
		assertThat(refusal("[\"secret\"]")).isEqualTo("config must be a JSON object");
		assertThat(refusal("  ")).isEqualTo("config is empty; expected a JSON object");
		assertThat(refusal("[".repeat(600))).isEqualTo("config must be a JSON object");
	}

	@Test
	void nestingDeeperThanTheStoreReadsIsRefusedByItsPath() {
		String deep = "{\"a\": " + "[".repeat(499) + "]".repeat(499) + "}";
		assertThat(ConfigJson.parseSent("llm_x", deep)).containsKey("a");
		String deeper = "{\"a\": " + "[".repeat(500) + "]".repeat(500) + "}";
		assertThatExceptionOfType(PluginConfigValidationException.class)
			.isThrownBy(() -> ConfigJson.parseSent("llm_x", deeper))
			.satisfies((ex) -> assertThat(ex.violations().get(0).message()).isEqualTo("nests deeper than 500 levels"));
	}

	@Test
	void aBigDecimalThatIsTheShortestFormOfADoubleIsSavedAsIt() {
		FileSystemPluginConfigStore store = new FileSystemPluginConfigStore(this.dir);
		store.save("llm_x", Map.of("tiny", new BigDecimal("5E-324"), "ratio", new BigDecimal("0.10")));
		assertThat(store.load("llm_x")).contains(Map.of("tiny", Double.MIN_VALUE, "ratio", 0.1));
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> store.save("llm_x", Map.of("list", List.of(new BigDecimal("1.2E-323")))))
			.withMessageContaining("'list[0]'")
			.withMessageContaining("more precise than a double");
	}

	private static String refusal(String text) {
		try {
			ConfigJson.parseSent("llm_x", text);
		}
		catch (PluginConfigValidationException ex) {
			assertThat(ex.violations()).singleElement().extracting(ConfigViolation::path).isEqualTo("");
			return ex.violations().get(0).message();
		}
		throw new AssertionError("accepted: " + text);
	}

}
