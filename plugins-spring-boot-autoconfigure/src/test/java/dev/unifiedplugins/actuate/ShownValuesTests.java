package dev.unifiedplugins.actuate;

import java.util.List;
import java.util.Map;

import dev.unifiedplugins.config.SchemaWalker;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.Sanitizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link ShownValues}: one value masked at its place as the whole configuration
 * would be.
 */
class ShownValuesTests {

	private static final String MASK = SanitizableData.SANITIZED_VALUE;

	private static final SchemaWalker SCHEMA = SchemaWalker.of(Map.of("type", "object", "properties",
			Map.of("upstream", Map.of("type", "object", "properties",
					Map.of("passphrase", Map.of("type", "string", "writeOnly", true))))));

	private final ShownValues shown = new ShownValues(new Sanitizer());

	@Test
	void aValueAtAPathIsMaskedAsTheWholeConfigurationWouldMaskIt() {
		Map<String, Object> config = Map.of("model", "m", "upstream", Map.of("host", "h", "passphrase", "p"),
				"credentials", Map.of("user", "bob"), "tokens", List.of("t1"));
		for (boolean show : List.of(true, false)) {
			Map<String, Object> whole = this.shown.sanitize(config, show, SCHEMA);
			assertThat(this.shown.sanitizeAt("/model", "m", show, SCHEMA)).isEqualTo(whole.get("model"));
			assertThat(this.shown.sanitizeAt("/upstream", config.get("upstream"), show, SCHEMA))
				.isEqualTo(whole.get("upstream"));
			assertThat(this.shown.sanitizeAt("/upstream/host", "h", show, SCHEMA))
				.isEqualTo(((Map<?, ?>) whole.get("upstream")).get("host"));
			assertThat(this.shown.sanitizeAt("/credentials/user", "bob", show, SCHEMA)).isEqualTo(MASK);
			assertThat(this.shown.sanitizeAt("/tokens", List.of("t1"), show, SCHEMA)).isEqualTo(List.of(MASK));
		}
		assertThat(this.shown.sanitizeAt("/model", "m", true, SCHEMA)).isEqualTo("m");
		assertThat(this.shown.sanitizeAt("/model", "m", false, SCHEMA)).isEqualTo(MASK);
		assertThat(this.shown.sanitizeAt("/upstream/passphrase", "p", true, SCHEMA)).isEqualTo(MASK);
		assertThat(this.shown.sanitizeAt("/upstream", Map.of("host", "h", "passphrase", "p"), true, SCHEMA))
			.isEqualTo(Map.of("host", "h", "passphrase", MASK));
	}

	@Test
	void noValueStaysNull() {
		assertThat(this.shown.sanitizeAt("/api_key", null, false, SCHEMA)).isNull();
		assertThat(this.shown.sanitizeAt("/model", null, false, SCHEMA)).isNull();
	}

	@Test
	void sanitizingFunctionsSeeTheDottedPathOfTheDetailView() {
		ShownValues custom = new ShownValues(new Sanitizer(List.of((data) -> data.getKey().equals("upstream.host")
				? data.withValue("[hidden host]") : data)));
		assertThat(custom.sanitizeAt("/upstream/host", "h", true, SCHEMA)).isEqualTo("[hidden host]");
		assertThat(custom.sanitize(Map.of("upstream", Map.of("host", "h")), true, SCHEMA))
			.isEqualTo(Map.of("upstream", Map.of("host", "[hidden host]")));
	}

	@Test
	void theWholeConfigurationIsNoValueAtAPath() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.shown.sanitizeAt("", Map.of(), true, SCHEMA));
	}

}
