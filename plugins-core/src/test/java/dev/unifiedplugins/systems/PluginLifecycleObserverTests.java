package dev.unifiedplugins.systems;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.observation.PluginCallObserver;
import dev.unifiedplugins.observation.PluginOperation;
import dev.unifiedplugins.testsupport.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What {@link PluginLifecycle} and the registry tell their {@link PluginCallObserver}:
 * each load, reload, unload and save, with the plugin's id and category, and failures as
 * exceptions through the observer.
 */
class PluginLifecycleObserverTests {

	private static final String ENGLISH = "greeters_english";

	@TempDir
	Path configDir;

	private final Recorder recorder = new Recorder();

	private UnifiedPluginRegistry registry;

	private PluginLifecycle lifecycle;

	@BeforeEach
	void register() {
		Greeters.reset();
		this.registry = new UnifiedPluginRegistry(this.configDir);
		this.registry.registerPluginManager("greeters", new ServiceLoaderPluginManager<>(GreeterPlugin.class));
		this.registry.setObserver(this.recorder);
		this.lifecycle = new PluginLifecycle(this.registry);
		this.lifecycle.setObserver(this.recorder);
	}

	@AfterEach
	void close() {
		this.lifecycle.close();
		Greeters.reset();
	}

	@Test
	void loadSaveReloadAndUnloadAreObservedInOrder() {
		this.lifecycle.load(ENGLISH);
		this.registry.savePluginConfig(ENGLISH, Map.of("repeat", 2));
		Await.until("english is reloaded", () -> this.recorder.calls.size() == 3);
		this.lifecycle.unload(ENGLISH);
		assertThat(this.recorder.calls).containsExactly(
				new Call(PluginOperation.LOAD, ENGLISH, "greeters", true),
				new Call(PluginOperation.CONFIG_SAVE, ENGLISH, "greeters", true),
				new Call(PluginOperation.RELOAD, ENGLISH, "greeters", true),
				new Call(PluginOperation.UNLOAD, ENGLISH, "greeters", true));
	}

	@Test
	void aFailingLoadIsObservedAsAFailure() {
		Greeters.failing("english", true);
		assertThatExceptionOfType(PluginLoadException.class).isThrownBy(() -> this.lifecycle.load(ENGLISH));
		assertThat(this.recorder.calls).containsExactly(new Call(PluginOperation.LOAD, ENGLISH, "greeters", false));
	}

	record Call(PluginOperation operation, String uniqueId, String category, boolean succeeded) {
	}

	/** Records each observed operation and whether it returned. */
	static class Recorder implements PluginCallObserver {

		final List<Call> calls = new CopyOnWriteArrayList<>();

		@Override
		public <T> T observe(PluginOperation operation, String uniqueId, String category,
				Map<String, String> lowCardinalityKeys, Supplier<T> call) {
			try {
				T result = call.get();
				this.calls.add(new Call(operation, uniqueId, category, true));
				return result;
			}
			catch (RuntimeException ex) {
				this.calls.add(new Call(operation, uniqueId, category, false));
				throw ex;
			}
		}

	}

}
