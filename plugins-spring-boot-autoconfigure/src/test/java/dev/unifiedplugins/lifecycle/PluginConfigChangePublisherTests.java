package dev.unifiedplugins.lifecycle;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.unifiedplugins.actuate.PluginsHealthIndicator;
import dev.unifiedplugins.autoconfigure.PluginsAutoConfiguration;
import dev.unifiedplugins.autoconfigure.PluginsEndpointAutoConfiguration;
import dev.unifiedplugins.config.FileSystemPluginConfigStore;
import dev.unifiedplugins.config.PluginConfigChange;
import dev.unifiedplugins.config.PluginConfigStore;
import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.core.PluginManager;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.testsupport.Await;
import dev.unifiedplugins.testsupport.ForwardingStore;
import dev.unifiedplugins.watch.PluginConfigWatcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Configurations changed outside the application reach its beans as events, its flags and
 * its health, without a restart.
 */
class PluginConfigChangePublisherTests {

	@TempDir
	Path dir;

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(PluginsAutoConfiguration.class,
					PluginsEndpointAutoConfiguration.class))
			.withPropertyValues("plugins.config-dir=" + this.dir, "plugins.watch.rescan-interval=100ms",
					"management.endpoints.web.exposure.include=plugins")
			.withBean("llm", PluginManager.class, () -> () -> List.of(PluginDescriptor.builder("gpt").build()))
			.withUserConfiguration(Listener.class);
	}

	@Test
	void ownAndExternalChangesArePublishedAsApplicationEvents() {
		runner().run((context) -> {
			UnifiedPluginRegistry registry = context.getBean(UnifiedPluginRegistry.class);
			List<PluginConfigChange> events = context.getBean(Listener.class).events;
			registry.savePluginConfig("llm_gpt", Map.of("model", "a"));
			assertThat(events).singleElement().satisfies((event) -> assertThat(event.external()).isFalse());
			// Another instance on the same directory, or the Python library.
			new FileSystemPluginConfigStore(this.dir).delete("llm_gpt");
			Await.until("the deletion is published", () -> events.size() == 2);
			assertThat(events.get(1)).isEqualTo(new PluginConfigChange("llm_gpt", PluginConfigChange.Kind.DELETED,
					null, true));
			assertThat(registry.getPlugin("llm_gpt").orElseThrow().configured()).isFalse();
		});
	}

	@Test
	void aStoreThatCannotBeReadIsAHealthDetailNotDown() {
		ForwardingStore store = new ForwardingStore(new FileSystemPluginConfigStore(this.dir));
		runner().withBean(PluginConfigStore.class, () -> store).run((context) -> {
			PluginsHealthIndicator health = context.getBean(PluginsHealthIndicator.class);
			assertThat(health.health(true).getDetails()).doesNotContainKey("store");
			store.down = true;
			Await.until("the failure is seen", () -> context.getBean(PluginConfigWatcher.class).getStoreFailure() != null);
			Health down = health.health(true);
			assertThat(down.getStatus().getCode()).isEqualTo("UP");
			assertThat(down.getDetails()).containsEntry("store",
					Map.of("reachable", false, "error", "UncheckedIOException: java.io.IOException: database is down"));
			store.down = false;
			Await.until("the store is read again",
					() -> context.getBean(PluginConfigWatcher.class).getStoreFailure() == null);
			assertThat(health.health(true).getDetails()).doesNotContainKey("store");
		});
	}

	@Test
	void watchingCanBeTurnedOff() {
		runner().withPropertyValues("plugins.watch.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(PluginConfigWatcher.class)
				.hasSingleBean(PluginConfigChangePublisher.class));
	}

	@Test
	void backsOffWhenUserDefinesAWatcher() {
		runner().withBean("myWatcher", PluginConfigWatcher.class,
				() -> new PluginConfigWatcher(new UnifiedPluginRegistry(this.dir), java.time.Duration.ofMinutes(1)))
			.run((context) -> assertThat(context).hasSingleBean(PluginConfigWatcher.class).hasBean("myWatcher"));
	}

	@Configuration(proxyBeanMethods = false)
	static class Listener {

		final List<PluginConfigChange> events = new CopyOnWriteArrayList<>();

		@EventListener
		void on(PluginConfigChange change) {
			this.events.add(change);
		}

	}

}
