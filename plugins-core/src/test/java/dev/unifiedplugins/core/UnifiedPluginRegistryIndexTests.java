package dev.unifiedplugins.core;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The registry's snapshot of registrations, replaced whole by each registration:
 * re-registration, freed and colliding unique ids, and reads that race a
 * re-registration.
 */
class UnifiedPluginRegistryIndexTests {

	@TempDir
	Path dir;

	@Test
	void reRegisteringACategoryDropsThePluginsItNoLongerHas() {
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(this.dir);
		registry.registerPluginManager("llm", manager("a", "b"));
		registry.registerPluginManager("stt", manager("c"));
		registry.registerPluginManager("llm", manager("b", "d"));
		assertThat(registry.getPlugin("llm_a")).isEmpty();
		assertThat(registry.getRegisteredPlugin("llm_a")).isEmpty();
		assertThat(registry.getPlugin("llm_b")).isPresent();
		assertThat(registry.getPlugin("llm_d")).isPresent();
		assertThat(registry.getAllPlugins()).extracting(PluginMetadata::uniqueId)
			.containsExactly("llm_b", "llm_d", "stt_c");
		assertThat(registry.getCategories()).containsExactly("llm", "stt");
	}

	@Test
	void aUniqueIdFreedByReRegistrationCanBeTakenByAnotherCategory() {
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(this.dir);
		registry.registerPluginManager("a_b", manager("c"));
		registry.registerPluginManager("a_b", manager("x"));
		registry.registerPluginManager("a", manager("b_c"));
		assertThat(registry.getPlugin("a_b_c")).hasValueSatisfying((plugin) -> {
			assertThat(plugin.category()).isEqualTo("a");
			assertThat(plugin.name()).isEqualTo("b_c");
		});
	}

	@Test
	void aCollidingRegistrationLeavesTheRegistryAsItWas() {
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(this.dir);
		registry.registerPluginManager("a_b", manager("c"));
		assertThatIllegalArgumentException().isThrownBy(() -> registry.registerPluginManager("a", manager("z", "b_c")))
			.withMessageContaining("a_b_c");
		assertThat(registry.getPlugin("a_b_c")).hasValueSatisfying(
				(plugin) -> assertThat(plugin.category()).isEqualTo("a_b"));
		assertThat(registry.getPlugin("a_z")).isEmpty();
		assertThat(registry.getCategories()).containsExactly("a_b");
	}

	@Test
	void savingAConfigMarksThePublishedPluginConfigured() {
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(this.dir);
		registry.registerPluginManager("llm", manager("a"));
		registry.registerPluginManager("llm", manager("a"));
		assertThat(registry.savePluginConfig("llm_a", Map.of("k", "v"))).isTrue();
		assertThat(registry.getPlugin("llm_a")).hasValueSatisfying((plugin) -> assertThat(plugin.configured()).isTrue());
	}

	@Test
	void registrationsCarryEachUniqueIdAndTheConfiguredFlagOfNow() {
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(this.dir);
		registry.registerPluginManager("llm", manager("a", "b"));
		registry.registerPluginManager("a", manager("b_c"));
		assertThat(registry.savePluginConfig("llm_b", Map.of("k", "v"))).isTrue();

		List<RegisteredPlugin> registrations = registry.getRegistrations();

		assertThat(registrations).extracting(RegisteredPlugin::uniqueId).containsExactly("llm_a", "llm_b", "a_b_c");
		assertThat(registrations).allSatisfy(
				(registration) -> assertThat(registration.metadata().uniqueId()).isEqualTo(registration.uniqueId()));
		assertThat(registrations).extracting((registration) -> registration.metadata().configured())
			.containsExactly(false, true, false);
		assertThat(registrations).extracting(RegisteredPlugin::metadata).isEqualTo(registry.getRegisteredPlugins());
		// Built once: the same id object on every call.
		assertThat(registry.getRegistrations().get(0).uniqueId()).isSameAs(registrations.get(0).uniqueId());
	}

	@Test
	void theKnownRevisionIsTheOneLastSavedOrDeleted() {
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(this.dir);
		registry.registerPluginManager("llm", manager("a"));
		assertThat(registry.getKnownRevision("llm_a")).isEmpty();
		assertThat(registry.savePluginConfig("llm_a", Map.of("k", "v"))).isTrue();
		assertThat(registry.getKnownRevision("llm_a"))
			.contains(registry.loadStoredPluginConfig("llm_a").orElseThrow().revision());
		assertThat(registry.deletePluginConfig("llm_a")).isTrue();
		assertThat(registry.getKnownRevision("llm_a")).isEmpty();
	}

	@Test
	void readsRacingReRegistrationAlwaysFindAPluginThatStaysRegistered() throws Exception {
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(this.dir);
		PluginManager first = manager("kept", "gone");
		PluginManager second = manager("kept", "new");
		registry.registerPluginManager("llm", first);
		AtomicBoolean done = new AtomicBoolean();
		AtomicReference<String> failure = new AtomicReference<>();
		Thread reader = new Thread(() -> {
			while (!done.get()) {
				if (registry.getPlugin("llm_kept").isEmpty()) {
					failure.set("llm_kept was missing");
				}
				int plugins = registry.getAllPlugins().size();
				if (plugins != 2) {
					failure.set("saw " + plugins + " plugins");
				}
			}
		});
		reader.start();
		for (int i = 0; i < 2_000; i++) {
			registry.registerPluginManager("llm", (i % 2 == 0) ? second : first);
		}
		done.set(true);
		reader.join();
		assertThat(failure.get()).isNull();
		assertThat(registry.getPlugin("llm_gone")).isPresent();
		assertThat(registry.getPlugin("llm_new")).isEmpty();
	}

	private static PluginManager manager(String... names) {
		List<PluginDescriptor> descriptors = new ArrayList<>();
		for (String name : names) {
			descriptors.add(PluginDescriptor.builder(name).build());
		}
		return () -> descriptors;
	}

}
