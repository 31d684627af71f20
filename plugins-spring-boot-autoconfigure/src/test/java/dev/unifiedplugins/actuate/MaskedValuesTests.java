package dev.unifiedplugins.actuate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.unifiedplugins.actuate.MaskedValues.Restoration;
import dev.unifiedplugins.config.ConfigViolation;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MaskedValues}: a mask sent back stands for the saved value at its place,
 * and a masked secret never follows a destination changed in the same save.
 */
class MaskedValuesTests {

	private static final String MASK = MaskedValues.MASK;

	@Test
	void aMaskTakesTheSavedValueAtItsPlace() {
		Map<String, Object> restored = MaskedValues.restore(Map.of("device", "cuda", "hf_token", MASK),
				Map.of("device", "cpu", "hf_token", "hf_secret"));

		assertThat(restored).isEqualTo(Map.of("device", "cuda", "hf_token", "hf_secret"));
	}

	@Test
	void aMaskWithNothingSavedIsLeftOut() {
		Map<String, Object> restored = MaskedValues.restore(Map.of("device", "cuda", "hf_token", MASK), Map.of());

		assertThat(restored).isEqualTo(Map.of("device", "cuda"));
	}

	@Test
	void aMaskNeverTakesAValueFromAnotherPlace() {
		Map<String, Object> restored = MaskedValues.restore(Map.of("note", MASK, "nested", Map.of("token", MASK)),
				Map.of("token", "hf_secret", "nested", Map.of("other", "x")));

		assertThat(restored).isEmpty();
	}

	@Test
	void nestedMasksAreRestoredKeyByKey() {
		Map<String, Object> restored = MaskedValues.restore(
				Map.of("auth", Map.of("user", "ops", "password", MASK), "limits", Map.of("threads", MASK)),
				Map.of("auth", Map.of("user", "old", "password", "pw"), "limits", Map.of("threads", 8)));

		assertThat(restored).isEqualTo(
				Map.of("auth", Map.of("user", "ops", "password", "pw"), "limits", Map.of("threads", 8)));
	}

	@Test
	void arrayMasksAreRestoredIndexByIndex() {
		Map<String, Object> restored = MaskedValues.restore(Map.of("keys", List.of(MASK, "new", MASK)),
				Map.of("keys", List.of("k0", "k1")));

		assertThat(restored).isEqualTo(Map.of("keys", List.of("k0", "new")));
	}

	@Test
	void anObjectOrArrayOfMasksWithNothingSavedIsLeftOut() {
		Map<String, Object> restored = MaskedValues.restore(
				Map.of("tags", List.of(MASK, MASK), "auth", Map.of("password", MASK), "empty", Map.of()), Map.of());

		assertThat(restored).isEqualTo(Map.of("empty", Map.of()));
	}

	@Test
	void aMaskedObjectTakesTheWholeSavedObject() {
		Map<String, Object> restored = MaskedValues.restore(Map.of("credentials", MASK),
				Map.of("credentials", Map.of("key", "k", "secret", "s")));

		assertThat(restored).isEqualTo(Map.of("credentials", Map.of("key", "k", "secret", "s")));
	}

	@Test
	void masksAreFoundAtAnyDepth() {
		assertThat(MaskedValues.containsMask(Map.of("a", List.of(Map.of("b", MASK))))).isTrue();
		assertThat(MaskedValues.containsMask(Map.of("a", List.of(Map.of("b", "******x"))))).isFalse();
		assertThat(MaskedValues.containsMask(Map.of())).isFalse();
	}

	private static final Map<String, Object> SAVED = Map.of("api_key", "sk-REAL", "endpoint_url",
			"https://api.example", "model", "m1");

	@Test
	void aMaskedSecretBesideAChangedUrlIsRefusedNamingBothPathsButNoValue() {
		Restoration restoration = MaskedValues.restore(
				Map.of("api_key", MASK, "endpoint_url", "https://attacker.example", "model", "m1"), SAVED, Map.of());

		assertThat(restoration.violations())
			.containsExactly(new ConfigViolation("/api_key", "resend the secret: /endpoint_url changed"));
		assertThat(restoration.keptSecrets()).isEmpty();
		assertThat(restoration.violations().toString()).doesNotContain("attacker", "sk-REAL", "api.example");
	}

	@Test
	void theSecretResentInClearGoesWithTheChangedUrl() {
		Restoration restoration = MaskedValues.restore(
				Map.of("api_key", "sk-NEW", "endpoint_url", "https://other.example"), SAVED, Map.of());

		assertThat(restoration.violations()).isEmpty();
		assertThat(restoration.config()).isEqualTo(Map.of("api_key", "sk-NEW", "endpoint_url", "https://other.example"));
	}

	@Test
	void aMaskedSecretIsKeptBesideAnUnchangedOrMaskedUrl() {
		for (Object url : new Object[] { "https://api.example", MASK }) {
			Restoration restoration = MaskedValues.restore(Map.of("api_key", MASK, "endpoint_url", url, "model", "m2"),
					SAVED, Map.of());

			assertThat(restoration.violations()).isEmpty();
			assertThat(restoration.config())
				.isEqualTo(Map.of("api_key", "sk-REAL", "endpoint_url", "https://api.example", "model", "m2"));
			assertThat(restoration.keptSecrets()).containsExactly("/api_key");
		}
	}

	@Test
	void aUrlAddedWhereNoneWasSavedOrLeftOutWhereOneWasIsAChange() {
		Restoration added = MaskedValues.restore(Map.of("api_key", MASK, "base_url", "https://attacker.example"),
				Map.of("api_key", "sk-REAL"), Map.of());
		Restoration leftOut = MaskedValues.restore(Map.of("api_key", MASK), SAVED, Map.of());

		assertThat(added.violations())
			.containsExactly(new ConfigViolation("/api_key", "resend the secret: /base_url changed"));
		assertThat(leftOut.violations())
			.containsExactly(new ConfigViolation("/api_key", "resend the secret: /endpoint_url changed"));
	}

	@Test
	void aUrlSentAsTheSchemaDefaultShowedItIsUnchanged() {
		Map<String, Object> schema = Map.of("properties",
				Map.of("endpoint_url", Map.of("type", "string", "default", "https://api.example")));

		Restoration asShown = MaskedValues.restore(Map.of("api_key", MASK, "endpoint_url", "https://api.example"),
				Map.of("api_key", "sk-REAL"), schema);
		Restoration other = MaskedValues.restore(Map.of("api_key", MASK, "endpoint_url", "https://attacker.example"),
				Map.of("api_key", "sk-REAL"), schema);

		assertThat(asShown.violations()).isEmpty();
		assertThat(asShown.config()).containsEntry("api_key", "sk-REAL");
		assertThat(other.violations()).extracting(ConfigViolation::path).containsExactly("/api_key");
	}

	@Test
	void aStringOfADestinationFormatCountsWhateverItsKey() {
		Map<String, Object> schema = Map.of("properties", Map.of("callback", Map.of("type", "string", "format", "uri"),
				"notify", Map.of("type", "string", "format", "email"), "label", Map.of("type", "string")));
		Map<String, Object> saved = Map.of("api_key", "sk-REAL", "callback", "https://hooks.example", "notify",
				"ops@example.com", "label", "a");

		Restoration callback = MaskedValues.restore(
				Map.of("api_key", MASK, "callback", "https://attacker.example", "notify", MASK, "label", "b"), saved,
				schema);
		Restoration email = MaskedValues.restore(
				Map.of("api_key", MASK, "callback", MASK, "notify", "evil@attacker.example", "label", "b"), saved,
				schema);
		Restoration label = MaskedValues.restore(Map.of("api_key", MASK, "callback", MASK, "notify", MASK, "label", "b"),
				saved, schema);

		assertThat(callback.violations())
			.containsExactly(new ConfigViolation("/api_key", "resend the secret: /callback changed"));
		assertThat(email.violations())
			.containsExactly(new ConfigViolation("/api_key", "resend the secret: /notify changed"));
		assertThat(label.violations()).isEmpty();
		assertThat(label.keptSecrets()).containsExactly("/api_key");
	}

	@Test
	void aSecretTheSchemaMarksCountsWhateverItsKey() {
		Map<String, Object> schema = Map.of("properties", Map.of("license", Map.of("type", "string", "writeOnly", true)));

		Restoration restoration = MaskedValues.restore(Map.of("license", MASK, "server", "attacker.example"),
				Map.of("license", "L-REAL", "server", "hub.example"), schema);

		assertThat(restoration.violations())
			.containsExactly(new ConfigViolation("/license", "resend the secret: /server changed"));
	}

	@Test
	void aMaskedValueThatIsNoSecretIsKeptBesideAChangedUrl() {
		Restoration restoration = MaskedValues.restore(
				Map.of("model", MASK, "endpoint_url", "https://other.example"), SAVED, Map.of());

		assertThat(restoration.violations()).isEmpty();
		assertThat(restoration.config()).isEqualTo(Map.of("model", "m1", "endpoint_url", "https://other.example"));
		assertThat(restoration.keptSecrets()).isEmpty();
	}

	@Test
	void aMaskedObjectHoldingASecretCounts() {
		Restoration restoration = MaskedValues.restore(Map.of("auth", MASK, "endpoint_url", "https://attacker.example"),
				Map.of("auth", Map.of("client_id", "c", "client_secret", "s"), "endpoint_url", "https://api.example"),
				Map.of());

		assertThat(restoration.violations()).extracting(ConfigViolation::path).containsExactly("/auth");
	}

	@Test
	void aNestedSecretFollowsADestinationInItsObjectOrAboveButNotInASiblingObject() {
		Map<String, Object> saved = Map.of("endpoint_url", "https://api.example", "auth",
				Map.of("password", "pw-REAL", "token_host", "auth.example"), "logging", Map.of("url", "https://logs.example"));

		Restoration above = MaskedValues.restore(Map.of("endpoint_url", "https://attacker.example", "auth",
				Map.of("password", MASK, "token_host", "auth.example"), "logging", Map.of("url", "https://logs.example")),
				saved, Map.of());
		Restoration same = MaskedValues.restore(Map.of("endpoint_url", "https://api.example", "auth",
				Map.of("password", MASK, "token_host", "attacker.example"), "logging", Map.of("url", "https://logs.example")),
				saved, Map.of());
		Restoration sibling = MaskedValues.restore(Map.of("endpoint_url", "https://api.example", "auth",
				Map.of("password", MASK, "token_host", "auth.example"), "logging", Map.of("url", "https://other.example")),
				saved, Map.of());

		assertThat(above.violations())
			.containsExactly(new ConfigViolation("/auth/password", "resend the secret: /endpoint_url changed"));
		assertThat(same.violations())
			.containsExactly(new ConfigViolation("/auth/password", "resend the secret: /auth/token_host changed"));
		assertThat(sibling.violations()).isEmpty();
		assertThat(sibling.keptSecrets()).containsExactly("/auth/password");
		assertThat(sibling.config()).isEqualTo(Map.of("endpoint_url", "https://api.example", "auth",
				Map.of("password", "pw-REAL", "token_host", "auth.example"), "logging",
				Map.of("url", "https://other.example")));
	}

	@Test
	void aSecretAtTheTopFollowsOnlyTopLevelDestinationsNotThoseInNestedObjects() {
		// The rule counts destinations in the secret's object or above: a nested object's
		// destination is a sibling's, unless its key itself says where data goes.
		Map<String, Object> saved = Map.of("api_key", "sk-REAL", "logging", Map.of("url", "https://logs.example"),
				"server", Map.of("host", "api.example", "port", 443));

		Restoration nested = MaskedValues.restore(Map.of("api_key", MASK, "logging", Map.of("url", "https://x.example"),
				"server", Map.of("host", "api.example", "port", 443L)), saved, Map.of());
		Restoration server = MaskedValues.restore(Map.of("api_key", MASK, "logging", Map.of("url", "https://logs.example"),
				"server", Map.of("host", "attacker.example", "port", 443)), saved, Map.of());

		assertThat(nested.violations()).isEmpty();
		assertThat(server.violations())
			.containsExactly(new ConfigViolation("/api_key", "resend the secret: /server changed"));
	}

	@Test
	void inArraysEachElementIsItsOwnObject() {
		Map<String, Object> saved = Map.of("backends",
				List.of(backend("https://a.example", "k-A"), backend("https://b.example", "k-B")));

		Restoration otherElement = MaskedValues.restore(
				Map.of("backends", List.of(backend("https://a.example", MASK), backend("https://c.example", "k-C"))),
				saved, Map.of());
		// Swapped: each element's masked key would go with the other's URL.
		Restoration swapped = MaskedValues.restore(
				Map.of("backends", List.of(backend("https://b.example", MASK), backend("https://a.example", MASK))),
				saved, Map.of());

		assertThat(otherElement.violations()).isEmpty();
		assertThat(otherElement.keptSecrets()).containsExactly("/backends/0/api_key");
		assertThat(swapped.violations()).containsExactly(
				new ConfigViolation("/backends/0/api_key", "resend the secret: /backends/0/url changed"),
				new ConfigViolation("/backends/1/api_key", "resend the secret: /backends/1/url changed"));
	}

	private static Map<String, Object> backend(String url, String apiKey) {
		return Map.of("url", url, "api_key", apiKey);
	}

	@Test
	void maskedSecretsInAnArrayFollowDestinationsOfTheObjectTheArrayIsIn() {
		Map<String, Object> schema = Map.of("properties",
				Map.of("mirrors", Map.of("type", "array", "items", Map.of("type", "string", "format", "hostname"))));
		Map<String, Object> saved = new LinkedHashMap<>();
		saved.put("tokens", List.of("t-1", "t-2"));
		saved.put("mirrors", List.of("m1.example"));

		Restoration restoration = MaskedValues.restore(
				Map.of("tokens", List.of(MASK, MASK), "mirrors", List.of("m1.example", "attacker.example")), saved, schema);

		assertThat(restoration.violations()).containsExactly(
				new ConfigViolation("/tokens/0", "resend the secret: /mirrors/1 changed"),
				new ConfigViolation("/tokens/1", "resend the secret: /mirrors/1 changed"));
	}

	@Test
	void aMaskedSecretWithNothingSavedKeepsNothingAndIsNoViolation() {
		Restoration restoration = MaskedValues.restore(
				Map.of("api_key", MASK, "endpoint_url", "https://attacker.example"), Map.of(), Map.of());

		assertThat(restoration.violations()).isEmpty();
		assertThat(restoration.keptSecrets()).isEmpty();
		assertThat(restoration.config()).isEqualTo(Map.of("endpoint_url", "https://attacker.example"));
	}

}
