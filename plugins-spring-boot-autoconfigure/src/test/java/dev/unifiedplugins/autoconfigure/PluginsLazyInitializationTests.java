package dev.unifiedplugins.autoconfigure;

import java.nio.file.Path;
import java.util.Map;

import dev.unifiedplugins.autoconfigure.PluginsShutdownTests.Manager;
import dev.unifiedplugins.autoconfigure.PluginsShutdownTests.SleepPlugin;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.LazyInitializationBeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Under {@code spring.main.lazy-initialization=true} managers are still registered at
 * start and cleaned up at shutdown, with actuator and without it.
 */
class PluginsLazyInitializationTests {

	@TempDir
	Path dir;

	private final SleepPlugin worker = new SleepPlugin();

	@AfterEach
	void killWorker() {
		this.worker.kill();
	}

	/** What {@code spring.main.lazy-initialization=true} adds to a SpringApplication. */
	private ApplicationContextRunner lazy(Class<?>... autoConfigurations) {
		return new ApplicationContextRunner()
			.withInitializer((context) -> context.addBeanFactoryPostProcessor(new LazyInitializationBeanFactoryPostProcessor()))
			.withConfiguration(AutoConfigurations.of(autoConfigurations))
			.withPropertyValues("plugins.config-dir=" + this.dir, "management.endpoints.web.exposure.include=plugins")
			.withBean("workers", Manager.class, () -> new Manager(Map.of("sleeper", this.worker)));
	}

	@Test
	void managersAreRegisteredAndCleanedUpWithoutActuator() throws Exception {
		assertRegisteredAtStartAndCleanedUp(lazy(PluginsAutoConfiguration.class));
	}

	@Test
	void managersAreRegisteredAndCleanedUpWithActuator() throws Exception {
		assertRegisteredAtStartAndCleanedUp(lazy(PluginsAutoConfiguration.class, PluginsEndpointAutoConfiguration.class));
	}

	private void assertRegisteredAtStartAndCleanedUp(ApplicationContextRunner runner) throws Exception {
		this.worker.start();
		runner.run((context) -> {
			assertThat(context).hasNotFailed();
			// Asked through the bean factory's state, so that asking creates nothing.
			assertThat(context.getBeanFactory().containsSingleton("pluginManagerRegistrar")).isTrue();
			assertThat(context.getBeanFactory().containsSingleton("managedProcessTracker")).isTrue();
			UnifiedPluginRegistry registry = context.getBean(UnifiedPluginRegistry.class);
			assertThat(registry.getCategories()).containsExactly("workers");
			assertThat(registry.getPlugin("workers_sleeper")).isPresent();
		});
		assertThat(this.worker.cleanups).isEqualTo(1);
	}

}
