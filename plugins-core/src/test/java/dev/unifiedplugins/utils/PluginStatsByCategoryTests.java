package dev.unifiedplugins.utils;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.unifiedplugins.core.PluginMetadata;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code byCategory}: counted whatever the order of the plugins, sorted by category,
 * unmodifiable.
 */
class PluginStatsByCategoryTests {

	@Test
	void countsInterleavedCategoriesAndSortsThem() {
		PluginStats stats = PluginStats.of(List.of(plugin("p1", "stt"), plugin("p2", "llm"), plugin("p3", "stt"),
				plugin("p4", "stt"), plugin("p5", "a")));
		assertThat(stats.byCategory()).containsExactly(Map.entry("a", 1), Map.entry("llm", 1), Map.entry("stt", 3));
		assertThat(stats.total()).isEqualTo(5);
	}

	@Test
	void byCategoryIsSortedAndUnmodifiableWhenGivenDirectly() {
		Map<String, Integer> counts = new LinkedHashMap<>();
		counts.put("stt", 2);
		counts.put("llm", 1);
		PluginStats stats = new PluginStats(3, 0, 3, 3, 0, 0, counts);
		counts.put("zzz", 9);
		assertThat(stats.byCategory()).containsExactly(Map.entry("llm", 1), Map.entry("stt", 2));
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> stats.byCategory().put("x", 1));
		assertThat(stats).isEqualTo(new PluginStats(3, 0, 3, 3, 0, 0, Map.of("stt", 2, "llm", 1)));
	}

	@Test
	void noPluginsGiveEmptyCounts() {
		PluginStats stats = PluginStats.of(List.of());
		assertThat(stats.byCategory()).isEmpty();
		assertThat(stats.total()).isZero();
	}

	private static PluginMetadata plugin(String name, String category) {
		return PluginMetadata.builder(name, category).build();
	}

}
