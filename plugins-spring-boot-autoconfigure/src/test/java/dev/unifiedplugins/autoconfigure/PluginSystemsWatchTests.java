package dev.unifiedplugins.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.systems.GreeterPlugin;
import dev.unifiedplugins.systems.Greeters;
import dev.unifiedplugins.systems.JarDirectoryPluginManager;
import dev.unifiedplugins.systems.PluginJars;
import dev.unifiedplugins.systems.PluginLifecycle;
import dev.unifiedplugins.testsupport.Await;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code plugins.systems.<category>.watch}: a directory of real plugin JARs, built by the
 * test, whose {@code french.jar} is replaced while the application runs.
 */
class PluginSystemsWatchTests {

	private static final String GREETER = GreeterPlugin.class.getName();

	private static final String FRENCH = "greeters_french";

	@TempDir
	static Path builds;

	private static Path v1;

	private static Path v2;

	@TempDir
	Path dir;

	private Path plugins;

	@BeforeAll
	static void buildJars() throws IOException {
		v1 = french(builds.resolve("v1.jar"), " (v1)");
		v2 = french(builds.resolve("v2.jar"), " (v2)");
	}

	@BeforeEach
	void copyFirstVersion() throws IOException {
		Greeters.reset();
		this.plugins = Files.createDirectories(this.dir.resolve("plugins"));
		Files.copy(v1, this.plugins.resolve("french.jar"));
	}

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PluginsAutoConfiguration.class))
			.withPropertyValues("plugins.config-dir=" + this.dir.resolve("configs"));
	}

	private ApplicationContextRunner greeters() {
		return runner().withPropertyValues("plugins.systems.greeters.type=" + GREETER,
				"plugins.systems.greeters.directory=" + this.plugins, "plugins.systems.greeters.load-on-start=true");
	}

	@Test
	void aReplacedJarOfAWatchedDirectoryAnswersWithItsNewCodeAndTheWatchStopsWithTheContext() {
		greeters().withPropertyValues("plugins.systems.greeters.watch=true").run((context) -> {
			assertThat(context).hasNotFailed();
			UnifiedPluginRegistry registry = context.getBean(UnifiedPluginRegistry.class);
			registry.savePluginConfig(FRENCH, Map.of("greeting", "Salut"));
			Await.until("the saved configuration is applied", () -> "Salut Luc (v1)".equals(greet(registry)));
			assertThat(watcherThreads()).containsExactlyInAnyOrder("plugins-jar-watch-greeters",
					"plugins-jar-events-greeters");
			long start = System.nanoTime();
			move(v2);
			Await.until("the replaced JAR answers", () -> "Salut Luc (v2)".equals(greet(registry)));
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
			assertThat(context.getBean(PluginLifecycle.class).getLoadError(FRENCH)).isEmpty();
		});
		Await.until("the watcher's threads end with the context", () -> watcherThreads().isEmpty());
	}

	@Test
	void theCheckIntervalIsTheWatchRescanInterval() {
		greeters().withPropertyValues("plugins.systems.greeters.watch=true", "plugins.watch.rescan-interval=0s")
			.run((context) -> assertThat(startFailure(context)).isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("plugins.watch.rescan-interval"));
	}

	@Test
	void aDirectoryIsNotWatchedUnlessAsked() {
		greeters().run((context) -> {
			assertThat(context).hasNotFailed();
			UnifiedPluginRegistry registry = context.getBean(UnifiedPluginRegistry.class);
			assertThat(greet(registry)).isEqualTo("Bonjour Luc (v1)");
			assertThat(watcherThreads()).isEmpty();
		});
	}

	@Test
	void watchWithoutADirectoryFailsTheStartNamingTheProperty() {
		runner().withPropertyValues("plugins.systems.greeters.type=" + GREETER, "plugins.systems.greeters.watch=true")
			.run((context) -> assertThat(startFailure(context)).isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("plugins.systems.greeters.watch")
				.hasMessageContaining("set plugins.systems.greeters.directory"));
		runner().withPropertyValues("plugins.systems.greeters.type=" + GREETER,
				"plugins.systems.greeters.service-loader=true", "plugins.systems.greeters.watch=true")
			.run((context) -> assertThat(startFailure(context)).isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("plugins.systems.greeters.watch"));
		assertThat(watcherThreads()).isEmpty();
	}

	@Test
	void aHandWrittenJarDirectoryManagerIsWatchedToo() {
		runner().withUserConfiguration(HandWritten.class)
			.withBean("plugins", Path.class, () -> this.plugins)
			.withPropertyValues("plugins.systems.greeters.load-on-start=true", "plugins.systems.greeters.watch=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				UnifiedPluginRegistry registry = context.getBean(UnifiedPluginRegistry.class);
				assertThat(greet(registry)).isEqualTo("Bonjour Luc (v1)");
				move(v2);
				Await.until("the replaced JAR answers", () -> "Bonjour Luc (v2)".equals(greet(registry)));
			});
		Await.until("the watcher's threads end with the context", () -> watcherThreads().isEmpty());
	}

	/** What failed the start, however deep Spring wrapped it. */
	private static Throwable startFailure(AssertableApplicationContext context) {
		assertThat(context).hasFailed();
		return NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure());
	}

	private static Path french(Path jar, String mark) throws IOException {
		return PluginJars.build(jar, PluginJars.greeter("com.acme.french", "FrenchGreeter", "french", "Bonjour", mark),
				"com.acme.french.FrenchGreeter");
	}

	/** A new file moved over the old one, as a deploy that moves a JAR in does. */
	private void move(Path build) throws IOException {
		Path next = this.plugins.resolve(".french.jar.part");
		Files.copy(build, next, StandardCopyOption.REPLACE_EXISTING);
		Files.move(next, this.plugins.resolve("french.jar"), StandardCopyOption.REPLACE_EXISTING,
				StandardCopyOption.ATOMIC_MOVE);
	}

	private static String greet(UnifiedPluginRegistry registry) {
		return registry.getPluginInstance(FRENCH).map((plugin) -> ((GreeterPlugin) plugin).greet("Luc")).orElse(null);
	}

	private static List<String> watcherThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.map(Thread::getName)
			.filter((name) -> name.startsWith("plugins-jar-"))
			.toList();
	}

	@Configuration(proxyBeanMethods = false)
	static class HandWritten {

		@Bean
		JarDirectoryPluginManager<GreeterPlugin> greeters(Path plugins) {
			return new JarDirectoryPluginManager<>(GreeterPlugin.class, plugins);
		}

	}

}
