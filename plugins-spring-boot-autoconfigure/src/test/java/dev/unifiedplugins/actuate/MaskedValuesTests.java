package dev.unifiedplugins.actuate;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MaskedValues}: a mask sent back stands for the saved value at its place.
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

}
