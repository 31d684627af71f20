package dev.unifiedplugins.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ConfigChanges}: what a dry run lists between two configurations.
 */
class ConfigChangesTests {

	@Test
	void equalConfigurationsHaveNoChanges() {
		Map<String, Object> config = Map.of("device", "cpu", "nested", Map.of("threads", 4), "langs", List.of("en"));
		assertThat(ConfigChanges.between(config, Map.copyOf(config))).isEmpty();
		assertThat(ConfigChanges.between(Map.of(), Map.of())).isEmpty();
	}

	@Test
	void aChangedScalarIsListedWithBothValues() {
		assertThat(ConfigChanges.between(Map.of("beam_size", 5, "device", "cpu"), Map.of("beam_size", 3, "device", "cpu")))
			.containsExactly(new ConfigChange("/beam_size", 5, 3));
	}

	@Test
	void objectsAreComparedKeyByKeyAtEveryDepth() {
		Map<String, Object> before = Map.of("server", Map.of("host", "a", "tls", Map.of("verify", true, "ca", "x")));
		Map<String, Object> after = Map.of("server", Map.of("host", "a", "tls", Map.of("verify", false, "ca", "x")));
		assertThat(ConfigChanges.between(before, after)).containsExactly(new ConfigChange("/server/tls/verify", true, false));
	}

	@Test
	void arraysAreComparedWhole() {
		List<Object> before = List.of("en", Map.of("code", "de"));
		List<Object> after = List.of("en", Map.of("code", "fr"));
		assertThat(ConfigChanges.between(Map.of("langs", before), Map.of("langs", after)))
			.containsExactly(new ConfigChange("/langs", before, after));
	}

	@Test
	void addedAndRemovedKeysHaveNullOnTheirMissingSide() {
		assertThat(ConfigChanges.between(Map.of("old", "x"), Map.of("new", Map.of("a", 1))))
			.containsExactly(new ConfigChange("/old", "x", null), new ConfigChange("/new", null, Map.of("a", 1)));
	}

	@Test
	void anObjectReplacedByAScalarIsOneChange() {
		assertThat(ConfigChanges.between(Map.of("proxy", Map.of("host", "p")), Map.of("proxy", "none")))
			.containsExactly(new ConfigChange("/proxy", Map.of("host", "p"), "none"));
	}

	@Test
	void anAbsentValueIsTheSameAsNull() {
		Map<String, Object> withNull = new HashMap<>();
		withNull.put("language", null);
		assertThat(ConfigChanges.between(withNull, Map.of())).isEmpty();
		assertThat(ConfigChanges.between(Map.of(), withNull)).isEmpty();
	}

	@Test
	void numbersAreComparedByValueWhateverTheirJavaType() {
		assertThat(ConfigChanges.between(Map.of("n", 5), Map.of("n", 5.0))).isEmpty();
		assertThat(ConfigChanges.between(Map.of("n", 5L), Map.of("n", new BigDecimal("5.00")))).isEmpty();
		assertThat(ConfigChanges.between(Map.of("n", new BigInteger("12345678901234567890")),
				Map.of("n", new BigDecimal("12345678901234567890")))).isEmpty();
		assertThat(ConfigChanges.between(Map.of("n", Double.NaN), Map.of("n", Double.NaN))).isEmpty();
		assertThat(ConfigChanges.between(Map.of("n", 5), Map.of("n", "5"))).hasSize(1);
		assertThat(ConfigChanges.between(Map.of("n", 1), Map.of("n", Double.POSITIVE_INFINITY))).hasSize(1);
	}

	@Test
	void changesFollowTheKeysOfBeforeThenTheNewOnes() {
		Map<String, Object> before = new LinkedHashMap<>();
		before.put("b", 1);
		before.put("a", 1);
		Map<String, Object> after = new LinkedHashMap<>();
		after.put("c", 2);
		after.put("a", 2);
		after.put("b", 2);
		assertThat(ConfigChanges.between(before, after)).extracting(ConfigChange::path)
			.containsExactly("/b", "/a", "/c");
	}

	@Test
	void pathsAreJsonPointersWithTheirEscapes() {
		assertThat(ConfigChanges.between(Map.of("a/b", Map.of("c~d", 1)), Map.of("a/b", Map.of("c~d", 2))))
			.extracting(ConfigChange::path)
			.containsExactly("/a~1b/c~0d");
	}

	@Test
	void savedConfigurationsDifferWhereOneSavesAValueTheOtherDoesNot() {
		// A first save of nothing but defaults: every value is new, from nothing saved.
		assertThat(ConfigChanges.betweenSaved(Map.of(), Map.of("device", "cpu", "limits", Map.of("threads", 4))))
			.containsExactlyInAnyOrder(new ConfigChange("/device", null, "cpu"), new ConfigChange("/limits/threads", null, 4));
		assertThat(ConfigChanges.betweenSaved(Map.of("device", "cpu", "beam_size", 3), Map.of("beam_size", 3.0)))
			.containsExactly(new ConfigChange("/device", "cpu", null));
		assertThat(ConfigChanges.betweenSaved(Map.of("a", 1), Map.of("a", 1))).isEmpty();
	}

	@Test
	void savedObjectsAreLookedIntoAndArraysAndEmptyObjectsAreOneValue() {
		Map<String, Object> before = Map.of("server", Map.of("host", "a", "port", 1), "langs", List.of("en"), "extra",
				Map.of());
		Map<String, Object> after = Map.of("server", Map.of("host", "a", "port", 2), "langs", List.of("en", "de"),
				"extra", Map.of());
		assertThat(ConfigChanges.betweenSaved(before, after)).containsExactlyInAnyOrder(
				new ConfigChange("/server/port", 1, 2), new ConfigChange("/langs", List.of("en"), List.of("en", "de")));
		assertThat(ConfigChanges.betweenSaved(Map.of("extra", Map.of()), Map.of()))
			.containsExactly(new ConfigChange("/extra", Map.of(), null));
	}

	@Test
	void sameComparesListsElementByElement() {
		assertThat(ConfigChanges.same(List.of(1, 2.0), List.of(1.0, 2))).isTrue();
		assertThat(ConfigChanges.same(List.of(1, 2), List.of(2, 1))).isFalse();
		assertThat(ConfigChanges.same(List.of(1), List.of(1, 2))).isFalse();
		assertThat(ConfigChanges.same(Arrays.asList(1, null), Arrays.asList(1, null))).isTrue();
	}

}
