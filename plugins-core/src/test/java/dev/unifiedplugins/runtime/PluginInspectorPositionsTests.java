package dev.unifiedplugins.runtime;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.unifiedplugins.core.PluginMetadata;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.testsupport.TestPluginManager;
import dev.unifiedplugins.testsupport.TestPlugins;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The inspector keeps the unique ids of the last plugins it saw by position; a report must
 * still belong to its own plugin when plugins come, go and move between inspections.
 */
class PluginInspectorPositionsTests {

	private static final long PID = ProcessHandle.current().pid();

	@TempDir
	Path dir;

	private final BoundedCalls calls = new BoundedCalls("test-", 4);

	@AfterEach
	void close() {
		this.calls.close();
	}

	@Test
	void reportsFollowPluginsThatMove() {
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(this.dir);
		PluginInspector inspector = new PluginInspector(registry, this.calls, Duration.ofSeconds(5));
		registry.registerPluginManager("llm", TestPluginManager.of(plugins("a", "b", "c")));
		registry.registerPluginManager("stt", TestPluginManager.of(plugins("x", "live")));
		assertThat(inspector.inspectAll(1.0).managedPids()).containsOnlyKeys("stt_live");

		// Every plugin after the first category moves one place up.
		registry.registerPluginManager("llm", TestPluginManager.of(plugins("b", "c")));
		PluginInspection shorter = inspector.inspectAll(1.0);
		assertThat(ids(shorter)).containsExactly("llm_b", "llm_c", "stt_x", "stt_live");
		assertThat(shorter.managedPids()).containsOnlyKeys("stt_live");

		// A live plugin takes the place of an idle one, which moves down.
		registry.registerPluginManager("llm", TestPluginManager.of(plugins("live", "b", "c")));
		PluginInspection longer = inspector.inspectAll(1.0);
		assertThat(ids(longer)).containsExactly("llm_live", "llm_b", "llm_c", "stt_x", "stt_live");
		assertThat(longer.managedPids()).containsOnlyKeys("llm_live", "stt_live");
		assertThat(longer.plugins()).allSatisfy((report) -> assertThat(report.metadata().spawnedPids())
			.isEqualTo(report.metadata().name().equals("live") ? List.of(PID) : List.of()));
	}

	@Test
	void reportsFollowPluginsThatSwapPlaces() {
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(this.dir);
		PluginInspector inspector = new PluginInspector(registry, this.calls, Duration.ofSeconds(5));
		registry.registerPluginManager("llm", TestPluginManager.of(plugins("a", "live", "c")));
		assertThat(inspector.inspectAll(1.0).managedPids()).containsOnlyKeys("llm_live");

		// The same number of plugins: only the metadata at each place tells the change.
		registry.registerPluginManager("llm", TestPluginManager.of(plugins("live", "a", "c")));
		PluginInspection swapped = inspector.inspectAll(1.0);
		assertThat(ids(swapped)).containsExactly("llm_live", "llm_a", "llm_c");
		assertThat(swapped.managedPids()).containsOnlyKeys("llm_live");
		registry.registerPluginManager("llm", TestPluginManager.of(plugins("x", "y", "live")));
		assertThat(inspector.inspectAll(1.0).managedPids()).containsOnlyKeys("llm_live");
	}

	@Test
	void inspectingOnePluginLeavesTheOthersAsTheyAre() {
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(this.dir);
		PluginInspector inspector = new PluginInspector(registry, this.calls, Duration.ofSeconds(5));
		registry.registerPluginManager("stt", TestPluginManager.of(plugins("x", "live", "y")));
		inspector.inspectAll(1.0);
		assertThat(inspector.inspect("stt_y", 1.0)).hasValueSatisfying(
				(report) -> assertThat(report.metadata().uniqueId()).isEqualTo("stt_y"));
		assertThat(ids(inspector.inspectAll(1.0))).containsExactly("stt_x", "stt_live", "stt_y");
		assertThat(inspector.inspectAll(1.0).managedPids()).containsOnlyKeys("stt_live");
	}

	/** Plugins by name; the one named "live" manages this JVM, the others are not loaded. */
	private static Map<String, Object> plugins(String... names) {
		Map<String, Object> plugins = new LinkedHashMap<>();
		for (String name : names) {
			plugins.put(name, name.equals("live") ? new TestPlugins.Lifecycle(() -> List.of(PID)) : null);
		}
		return plugins;
	}

	private static List<String> ids(PluginInspection inspection) {
		return inspection.plugins().stream().map(PluginReport::metadata).map(PluginMetadata::uniqueId).toList();
	}

}
