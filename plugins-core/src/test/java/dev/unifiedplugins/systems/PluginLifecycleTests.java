package dev.unifiedplugins.systems;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.unifiedplugins.concurrent.BoundedCalls;
import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.core.PluginManager;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.inspection.PluginInspector;
import dev.unifiedplugins.inspection.PluginReport;
import dev.unifiedplugins.testsupport.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link PluginLifecycle} over the test class path's greeters: explicit loads with typed
 * configuration, reloads on local changes, failures that keep the previous instance.
 */
class PluginLifecycleTests {

	private static final String ENGLISH = "greeters_english";

	@TempDir
	Path configDir;

	private UnifiedPluginRegistry registry;

	private PluginLifecycle lifecycle;

	private BoundedCalls calls;

	@BeforeEach
	void register() {
		Greeters.reset();
		this.registry = new UnifiedPluginRegistry(this.configDir);
		this.registry.registerPluginManager("greeters", new ServiceLoaderPluginManager<>(GreeterPlugin.class));
		this.lifecycle = new PluginLifecycle(this.registry);
		this.calls = new BoundedCalls("lifecycle-test-", 4);
	}

	@AfterEach
	void close() {
		this.lifecycle.close();
		this.calls.close();
	}

	@Test
	void nothingIsLoadedByLookupsInspectionOrSaves() {
		this.registry.getAllPlugins();
		assertThat(this.registry.getPluginInstance(ENGLISH)).isEmpty();
		new PluginInspector(this.registry, this.calls, Duration.ofSeconds(5)).inspectAll(1.0);
		this.registry.savePluginConfig(ENGLISH, Map.of("repeat", 2));
		// A save of a plugin not loaded starts no reload: computed's, which is loaded, is awaited as a witness.
		this.lifecycle.load("greeters_computed");
		this.registry.savePluginConfig("greeters_computed", Map.of());
		Await.until("computed is reloaded", () -> Greeters.created("computed") == 2);
		assertThat(Greeters.created("english")).isZero();
		assertThat(this.registry.getPluginInstance(ENGLISH)).isEmpty();
	}

	@Test
	void loadsWithTheSchemaDefaults() {
		EnglishGreeter english = (EnglishGreeter) this.lifecycle.load(ENGLISH);
		assertThat(english.config()).isEqualTo(new GreeterConfig("Hello", 1));
		assertThat(this.registry.getPluginInstance(ENGLISH)).containsSame(english);
		assertThat(Greeters.created("english")).isOne();
	}

	@Test
	void loadsWithSavedValuesOverTheDefaults() {
		this.registry.savePluginConfig(ENGLISH, Map.of("repeat", 2));
		EnglishGreeter english = (EnglishGreeter) this.lifecycle.load(ENGLISH);
		assertThat(english.greet("Ann")).isEqualTo("Hello Ann Hello Ann");
	}

	@Test
	void pluginWithoutConfigurationIsCreatedOnly() {
		assertThat(((GreeterPlugin) this.lifecycle.load("greeters_computed")).greet("Bo")).isEqualTo("Hi Bo");
	}

	@Test
	void localSaveReloadsALoadedPluginAndCleansUpTheOldInstance() {
		Object first = this.lifecycle.load(ENGLISH);
		this.registry.savePluginConfig(ENGLISH, Map.of("greeting", "Hi"));
		Await.until("english is reloaded", () -> this.registry.getPluginInstance(ENGLISH).orElseThrow() != first);
		EnglishGreeter reloaded = (EnglishGreeter) this.registry.getPluginInstance(ENGLISH).orElseThrow();
		assertThat(reloaded.config()).isEqualTo(new GreeterConfig("Hi", 1));
		// On a bounded call's thread, never in the thread that saved.
		assertThat(reloaded.configuredBy()).startsWith("plugins-lifecycle-").isNotEqualTo(Thread.currentThread().getName());
		// The new instance is published before the old one is cleaned up.
		Await.until("the old instance is cleaned up", () -> Greeters.cleanedUp("english") >= 1);
		assertThat(Greeters.cleanedUp("english")).isOne();
	}

	@Test
	void deletingTheConfigurationReloadsWithTheDefaults() {
		this.registry.savePluginConfig(ENGLISH, Map.of("greeting", "Hi"));
		Object first = this.lifecycle.load(ENGLISH);
		this.registry.deletePluginConfig(ENGLISH);
		Await.until("english is reloaded", () -> this.registry.getPluginInstance(ENGLISH).orElseThrow() != first);
		assertThat(((EnglishGreeter) this.registry.getPluginInstance(ENGLISH).orElseThrow()).config().greeting())
			.isEqualTo("Hello");
	}

	@Test
	void constructorThatThrowsOnReloadKeepsThePreviousInstanceAndShowsTheError() {
		Object first = this.lifecycle.load(ENGLISH);
		Greeters.failing("english", true);
		this.registry.savePluginConfig(ENGLISH, Map.of("greeting", "Hi"));
		Await.until("the reload has failed", () -> this.lifecycle.getLoadError(ENGLISH).isPresent());
		assertThat(this.registry.getPluginInstance(ENGLISH)).containsSame(first);
		assertThat(this.lifecycle.getLoadError(ENGLISH).orElseThrow()).contains("fails on purpose");
		assertThat(Greeters.cleanedUp("english")).isZero();
		PluginReport report = new PluginInspector(this.registry, this.calls, Duration.ofSeconds(5))
			.inspect(ENGLISH, 1.0)
			.orElseThrow();
		assertThat(report.error()).startsWith("last load failed: ").contains("fails on purpose");
		Greeters.failing("english", false);
		this.registry.savePluginConfig(ENGLISH, Map.of("greeting", "Hey"));
		Await.until("the reload has succeeded", () -> this.lifecycle.getLoadError(ENGLISH).isEmpty());
		assertThat(((EnglishGreeter) this.registry.getPluginInstance(ENGLISH).orElseThrow()).config().greeting())
			.isEqualTo("Hey");
	}

	@Test
	void constructorThatThrowsOnFirstLoadFailsTheCallAndLeavesNothingLoaded() {
		Greeters.failing("english", true);
		assertThatExceptionOfType(PluginLoadException.class).isThrownBy(() -> this.lifecycle.load(ENGLISH))
			.withMessageContaining(ENGLISH)
			.withMessageContaining("fails on purpose");
		assertThat(this.registry.getPluginInstance(ENGLISH)).isEmpty();
		assertThat(this.lifecycle.getLoadError(ENGLISH)).isPresent();
		assertThat(this.lifecycle.loadAll("greeters")).containsOnlyKeys(ENGLISH);
		assertThat(this.registry.getPluginInstance("greeters_computed")).isPresent();
	}

	@Test
	void unloadCleansUpAndDropsTheInstance() {
		this.lifecycle.load(ENGLISH);
		assertThat(this.lifecycle.unload(ENGLISH)).isTrue();
		assertThat(Greeters.cleanedUp("english")).isOne();
		assertThat(this.registry.getPluginInstance(ENGLISH)).isEmpty();
		assertThat(this.lifecycle.unload(ENGLISH)).isFalse();
	}

	@Test
	void pluginsOfHandWrittenManagersAreNotLoadedHere() {
		this.registry.registerPluginManager("custom", new PluginManager() {
			@Override
			public List<PluginDescriptor> discoverPlugins() {
				return List.of(PluginDescriptor.builder("one").build());
			}
		});
		assertThatIllegalArgumentException().isThrownBy(() -> this.lifecycle.load("custom_one"))
			.withMessageContaining("'custom'");
		assertThatIllegalArgumentException().isThrownBy(() -> this.lifecycle.load("greeters_nope"))
			.withMessageContaining("greeters_nope");
	}

}
