package dev.unifiedplugins.systems;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.unifiedplugins.applied.LocalAppliedRevisions;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.testsupport.Await;
import dev.unifiedplugins.testsupport.MemoryStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What a {@link PluginLifecycle} and its {@link PluginSystemManager} keep of each plugin (a
 * load lock, the error of its last load, its applied entry, its instance) is released once
 * the plugin is no longer found: thousands of plugins found, loaded or failing to load, and
 * gone again, leave nothing behind.
 */
class PluginLifecycleReleaseTests {

	private static final PluginDefinition ENGLISH = PluginDefinition.of(EnglishGreeter.class);

	private final NamedGreeters manager = new NamedGreeters();

	private final LocalAppliedRevisions applied = new LocalAppliedRevisions("instance-1");

	private PluginLifecycle lifecycle;

	@BeforeEach
	void register() {
		Greeters.reset();
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(new MemoryStore());
		registry.registerPluginManager("greeters", this.manager);
		this.lifecycle = new PluginLifecycle(registry, Duration.ofSeconds(5), this.applied);
	}

	@AfterEach
	void close() {
		this.lifecycle.close();
		Greeters.reset();
	}

	@Test
	void thousandsOfPluginsLoadedOrFailingToLoadAndThenGoneLeaveNothingBehind() {
		int plugins = 1_000;
		for (int i = 0; i < plugins; i++) {
			String name = "greeter" + i;
			String id = "greeters_" + name;
			// The previous plugin is gone: the rescan unloads it, or forgets its failed load.
			this.manager.names = List.of(name);
			this.lifecycle.rescan("greeters");
			switch (i % 4) {
				case 0 -> this.lifecycle.load(id);
				case 1 -> {
					Greeters.failing("english", true);
					assertThatExceptionOfType(PluginLoadException.class).isThrownBy(() -> this.lifecycle.load(id));
					Greeters.failing("english", false);
				}
				case 2 -> {
					Greeters.throwing("english", "configure", () -> new IllegalStateException("configure fails"));
					assertThatExceptionOfType(PluginLoadException.class).isThrownBy(() -> this.lifecycle.load(id));
					Greeters.notThrowing("english", "configure");
				}
				default -> {
					this.lifecycle.load(id);
					assertThat(this.lifecycle.unload(id)).isTrue();
				}
			}
		}
		this.manager.names = List.of();
		this.lifecycle.rescan("greeters");
		for (int i = 0; i < plugins; i++) {
			String name = "greeter" + i;
			assertThat(this.manager.getLoadError(name)).as(name).isEmpty();
			assertThat(this.manager.isLoadRequested(name)).as(name).isFalse();
			assertThat(this.applied.get("greeters_" + name)).as(name).isEmpty();
		}
		assertThat(this.manager.loadLocks()).isZero();
		Await.until("every instance created is cleaned up",
				() -> Greeters.cleanedUp("english") == Greeters.created("english"));
	}

	/** English greeters under the names a test sets, found anew by each discovery. */
	private static final class NamedGreeters extends PluginSystemManager<GreeterPlugin> {

		private volatile List<String> names = List.of();

		NamedGreeters() {
			super(GreeterPlugin.class);
		}

		@Override
		protected List<Candidate<GreeterPlugin>> findPlugins(Map<String, String> failures) {
			return this.names.stream()
				.map((name) -> new Candidate<GreeterPlugin>(ENGLISH.withName(name), EnglishGreeter::new, name))
				.toList();
		}

	}

}
