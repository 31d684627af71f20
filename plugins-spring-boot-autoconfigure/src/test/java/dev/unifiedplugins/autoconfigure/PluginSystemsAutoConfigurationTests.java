package dev.unifiedplugins.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.unifiedplugins.actuate.PluginsEndpoint;
import dev.unifiedplugins.actuate.PluginsHealthIndicator;
import dev.unifiedplugins.applied.AppliedRevisions;
import dev.unifiedplugins.applied.LocalAppliedRevisions;
import dev.unifiedplugins.config.ConfigViolation;
import dev.unifiedplugins.config.PluginConfigValidationException;
import dev.unifiedplugins.core.PluginMetadata;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.inspection.PluginInspector;
import dev.unifiedplugins.processes.ThisProcess;
import dev.unifiedplugins.registration.BeanPluginManager;
import dev.unifiedplugins.systems.ConfigurablePlugin;
import dev.unifiedplugins.systems.JarDirectoryPluginManager;
import dev.unifiedplugins.systems.PluginInfo;
import dev.unifiedplugins.systems.PluginLifecycle;
import dev.unifiedplugins.systems.PluginLoadException;
import dev.unifiedplugins.systems.PluginSystemManager;
import dev.unifiedplugins.systems.ServiceLoaderPluginManager;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.LazyInitializationBeanFactoryPostProcessor;
import org.springframework.boot.actuate.endpoint.Sanitizer;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Plugin systems declared by {@code plugins.systems.<category>.*} or one bean.
 */
@ExtendWith(OutputCaptureExtension.class)
class PluginSystemsAutoConfigurationTests {

	private static final String GREETER = Greeter.class.getName();

	static final AtomicInteger created = new AtomicInteger();

	@TempDir
	Path dir;

	@BeforeEach
	void reset() {
		created.set(0);
	}

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PluginsAutoConfiguration.class))
			.withPropertyValues("plugins.config-dir=" + this.dir.resolve("configs"));
	}

	private static ApplicationContextRunner greetersLoadedOnStart(ApplicationContextRunner runner) {
		return runner.withUserConfiguration(GreeterBeans.class)
			.withPropertyValues("plugins.systems.greeters.type=" + GREETER, "plugins.systems.greeters.load-on-start=true");
	}

	@Test
	void beansOfATypeAreACategoryAndLazyBeansAreNotCreated() {
		runner().withUserConfiguration(GreeterBeans.class)
			.withPropertyValues("plugins.systems.greeters.type=" + GREETER)
			.run((context) -> {
				UnifiedPluginRegistry registry = context.getBean(UnifiedPluginRegistry.class);
				assertThat(registry.getPluginsByCategory("greeters")).extracting(PluginMetadata::name)
					.containsExactlyInAnyOrder("annotated", "plainGreeter");
				assertThat(registry.getPlugin("greeters_annotated").orElseThrow().version()).isEqualTo("3.0.0");
				assertThat(registry.getPluginInstance("greeters_annotated")).isEmpty();
				assertThat(created).hasValue(0);
			});
	}

	@Test
	void aSystemWithoutATypeOrImplementationsIsAWarningNamingWhatIsMissing(CapturedOutput output) {
		runner().withUserConfiguration(GreeterBeans.class)
			.withPropertyValues("plugins.systems.greeters.typ=" + GREETER, "plugins.systems.greeters.load-on-start=true",
					"plugins.systems.runners.type=" + Runnable.class.getName())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output).contains("plugins.systems.greeters sets no type (the interface its plugins"
						+ " implement), and no bean registers category 'greeters'")
					.containsPattern("WARN .*Registered plugin category 'runners' .* with 0 plugin\\(s\\) from .*;"
							+ " no implementation of its type was found");
			});
	}

	@Test
	void loadOnStartLoadsEachPluginWithItsConfiguration() {
		greetersLoadedOnStart(runner()).run((context) -> {
				UnifiedPluginRegistry registry = context.getBean(UnifiedPluginRegistry.class);
				Object annotated = registry.getPluginInstance("greeters_annotated").orElseThrow();
				assertThat(annotated).isSameAs(context.getBean("annotatedGreeter"));
				assertThat(((AnnotatedGreeter) annotated).config).isEqualTo(new Settings("Hello"));
				assertThat(registry.getPluginInstance("greeters_plainGreeter")).isPresent();
			});
	}

	@Test
	void loadOnStartWorksUnderLazyInitialization() {
		greetersLoadedOnStart(runner().withInitializer(
				(context) -> context.addBeanFactoryPostProcessor(new LazyInitializationBeanFactoryPostProcessor())))
			.run((context) -> {
				assertThat(context.getBeanFactory().containsSingleton("pluginSystemsLoader")).isTrue();
				assertThat(created).hasValue(2);
				assertThat(context.getBean(UnifiedPluginRegistry.class).getPluginInstance("greeters_annotated"))
					.isPresent();
			});
	}

	@Test
	void withTheFileStoreTheLifecycleRecordsWhatThisInstanceAppliedUnderItsDefaultName() {
		greetersLoadedOnStart(runner()).run((context) -> {
			assertThat(context).hasSingleBean(AppliedRevisions.class);
			AppliedRevisions applied = context.getBean(AppliedRevisions.class);
			assertThat(applied).isInstanceOf(LocalAppliedRevisions.class);
			assertThat(context.getBean(PluginLifecycle.class).getAppliedRevisions()).isSameAs(applied);
			assertThat(applied.get("greeters_annotated")).containsOnlyKeys(ThisProcess.name());
		});
	}

	@Test
	void userDefinedAppliedRevisionsAreUsedByTheLifecycle() {
		LocalAppliedRevisions mine = new LocalAppliedRevisions("mine");
		greetersLoadedOnStart(runner()).withBean("myAppliedRevisions", AppliedRevisions.class, () -> mine)
			.run((context) -> {
				assertThat(context).getBean(AppliedRevisions.class).isSameAs(mine);
				assertThat(context.getBean(PluginLifecycle.class).getAppliedRevisions()).isSameAs(mine);
				assertThat(mine.get("greeters_annotated")).containsOnlyKeys("mine");
			});
	}

	@Test
	void savingTheConfigurationReconfiguresASingletonBeanInPlace() {
		greetersLoadedOnStart(runner()).run((context) -> {
				UnifiedPluginRegistry registry = context.getBean(UnifiedPluginRegistry.class);
				AnnotatedGreeter bean = context.getBean(AnnotatedGreeter.class);
				registry.savePluginConfig("greeters_annotated", Map.of("greeting", "Hi"));
				long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
				while (!new Settings("Hi").equals(bean.config) && System.nanoTime() < deadline) {
					Thread.sleep(20);
				}
				assertThat(bean.config).isEqualTo(new Settings("Hi"));
				assertThat(registry.getPluginInstance("greeters_annotated")).containsSame(bean);
			});
	}

	@Test
	void aLoadedPluginsValidateIsBoundedByTheResourceTimeout() {
		greetersLoadedOnStart(runner()).withPropertyValues("plugins.resource-timeout=300ms").run((context) -> {
			UnifiedPluginRegistry registry = context.getBean(UnifiedPluginRegistry.class);
			CountDownLatch release = new CountDownLatch(1);
			AnnotatedGreeter.validating = release;
			try {
				assertThatExceptionOfType(PluginConfigValidationException.class)
					.isThrownBy(() -> registry.savePluginConfig("greeters_annotated", Map.of("greeting", "Hi")))
					.satisfies((ex) -> assertThat(ex.violations())
						.containsExactly(new ConfigViolation("", "the plugin's check did not answer within 300ms")));
			}
			finally {
				AnnotatedGreeter.validating = null;
				release.countDown();
			}
			assertThat(registry.loadPluginConfig("greeters_annotated")).isEmpty();
		});
	}

	@Test
	void serviceLoaderPropertyFindsTheClassPathsProviders() {
		runner().withPropertyValues("plugins.systems.services.type=" + GREETER,
				"plugins.systems.services.service-loader=true")
			.run((context) -> {
				UnifiedPluginRegistry registry = context.getBean(UnifiedPluginRegistry.class);
				assertThat(registry.getManager("services")).containsInstanceOf(ServiceLoaderPluginManager.class);
				assertThat(registry.getPluginsByCategory("services")).extracting(PluginMetadata::name)
					.containsExactly("service_greeter");
				assertThat(created).hasValue(0);
				context.getBean(PluginLifecycle.class).load("services_service_greeter");
				assertThat(created).hasValue(1);
			});
	}

	@Test
	void endpointEntryShowsTheLoadErrorWhileThePreviousInstanceRuns() {
		runner().withPropertyValues("plugins.systems.services.type=" + GREETER,
				"plugins.systems.services.service-loader=true", "plugins.systems.services.load-on-start=true")
			.run((context) -> {
				UnifiedPluginRegistry registry = context.getBean(UnifiedPluginRegistry.class);
				Object first = registry.getPluginInstance("services_service_greeter").orElseThrow();
				ServiceGreeter.failing = true;
				try {
					assertThatExceptionOfType(PluginLoadException.class)
						.isThrownBy(() -> context.getBean(PluginLifecycle.class).load("services_service_greeter"));
				}
				finally {
					ServiceGreeter.failing = false;
				}
				PluginsEndpoint endpoint = new PluginsEndpoint(registry, context.getBean(PluginInspector.class),
						new Sanitizer(), Show.NEVER, Set.of(), 1.0, null);
				String json = JsonMapper.builder().build().writeValueAsString(endpoint.plugins(null));
				assertThat(json).contains("\"error\":\"last load failed: ").contains("fails on purpose");
				assertThat(registry.getPluginInstance("services_service_greeter")).containsSame(first);
			});
	}

	@Test
	void directoryPropertyRegistersTheJarsAndABrokenOneFailsHealthByName() throws Exception {
		Path plugins = Files.createDirectories(this.dir.resolve("plugins"));
		Files.writeString(plugins.resolve("corrupt.jar"), "not a zip");
		runner().withPropertyValues("plugins.systems.jars.type=" + GREETER, "plugins.systems.jars.directory=" + plugins)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				UnifiedPluginRegistry registry = context.getBean(UnifiedPluginRegistry.class);
				assertThat(registry.getManager("jars")).containsInstanceOf(JarDirectoryPluginManager.class);
				assertThat(registry.getCategories()).contains("jars");
				assertThat(registry.getRegistrationFailures()).isEmpty();
				Health health = new PluginsHealthIndicator(registry, null, null).health(true);
				assertThat(health.getStatus()).isEqualTo(Status.DOWN);
				assertThat(health.getDetails().get("failed").toString()).contains("jars").contains("corrupt.jar");
			});
	}

	@Test
	void serviceLoaderAndDirectoryTogetherFailTheStartNamingTheProperty() {
		runner().withPropertyValues("plugins.systems.both.type=" + GREETER, "plugins.systems.both.service-loader=true",
				"plugins.systems.both.directory=" + this.dir)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("plugins.systems.both.directory"));
	}

	@Test
	void oneBeanDeclaresASystemNamedAfterTheBean() {
		runner().withUserConfiguration(GreeterBeans.class, OneLineSystem.class).run((context) -> {
			UnifiedPluginRegistry registry = context.getBean(UnifiedPluginRegistry.class);
			assertThat(registry.getPluginsByCategory("greeting")).hasSize(2);
			assertThat(created).hasValue(0);
			// So that it checks its plugins' unique ids in the category it is registered as.
			assertThat(registry.getManager("greeting", PluginSystemManager.class).orElseThrow().category())
				.isEqualTo("greeting");
		});
	}

	@Test
	void aPropertySystemOnTheCategoryOfAManagerBeanFailsTheStartNamingBoth() {
		runner().withUserConfiguration(GreeterBeans.class, OneLineSystem.class)
			.withPropertyValues("plugins.systems.greeting.type=" + GREETER)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("plugins.systems.greeting.type")
				.hasMessageContaining("category 'greeting' is already declared by bean 'greeting'"));
	}

	@Test
	void twoManagerBeansOfOneCategoryFailTheStartNamingBoth() {
		runner().withUserConfiguration(GreeterBeans.class, OneLineSystem.class, SecondGreetingSystem.class)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("Plugin category 'greeting' is declared twice")
				.hasMessageContaining("bean 'greeting'")
				.hasMessageContaining("bean 'moreGreetings'"));
	}

	@Test
	void loadOnStartAloneOnTheCategoryOfAManagerBeanIsNoSecondDeclaration() {
		runner().withUserConfiguration(GreeterBeans.class, OneLineSystem.class)
			.withPropertyValues("plugins.systems.greeting.load-on-start=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(UnifiedPluginRegistry.class).getPluginInstance("greeting_annotated"))
					.isPresent();
			});
	}

	@Test
	void aDirectoryThatDoesNotExistIsAWarningNamingItsAbsolutePath(CapturedOutput output) {
		runner().withPropertyValues("plugins.systems.jars.type=" + GREETER, "plugins.systems.jars.directory=no-such-dir")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output).containsPattern("WARN .*Registered plugin category 'jars' .* with 0 plugin\\(s\\)"
						+ " from property plugins.systems.jars; its directory ")
					.contains(Path.of("no-such-dir").toAbsolutePath() + " does not exist");
			});
	}

	@Test
	void anEmptyDirectoryThatExistsIsNoWarning(CapturedOutput output) throws Exception {
		Path plugins = Files.createDirectories(this.dir.resolve("empty-plugins"));
		runner().withPropertyValues("plugins.systems.jars.type=" + GREETER, "plugins.systems.jars.directory=" + plugins)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output).contains("Registered plugin category 'jars'").doesNotContain("does not exist");
			});
	}

	@Test
	void userDefinedLifecycleBacksOff() {
		runner().withUserConfiguration(UserLifecycle.class).run((context) -> {
			assertThat(context).hasSingleBean(PluginLifecycle.class);
			assertThat(context.getBeanNamesForType(PluginLifecycle.class)).containsExactly("userPluginLifecycle");
		});
	}

	/** The plugin interface of these tests. */
	public interface Greeter {

		String greet(String who);

	}

	/** A configuration with a default. */
	public record Settings(@JsonProperty(defaultValue = "Hello") String greeting) {
	}

	@PluginInfo(name = "annotated", version = "3.0.0")
	public static class AnnotatedGreeter implements Greeter, ConfigurablePlugin<Settings> {

		/** When set, validate waits for it: a plugin that does not answer. */
		static volatile @Nullable CountDownLatch validating;

		volatile Settings config;

		public AnnotatedGreeter() {
			created.incrementAndGet();
		}

		@Override
		public void configure(Settings config) {
			this.config = config;
		}

		@Override
		public void validate(Settings config) {
			CountDownLatch latch = validating;
			if (latch != null) {
				try {
					latch.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		}

		@Override
		public String greet(String who) {
			return this.config.greeting() + " " + who;
		}

	}

	public static class PlainGreeter implements Greeter {

		public PlainGreeter() {
			created.incrementAndGet();
		}

		@Override
		public String greet(String who) {
			return "Hi " + who;
		}

	}

	public static class ServiceGreeter extends PlainGreeter {

		static volatile boolean failing;

		public ServiceGreeter() {
			if (failing) {
				throw new IllegalStateException("constructor fails on purpose");
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class GreeterBeans {

		@Bean
		@Lazy
		AnnotatedGreeter annotatedGreeter() {
			return new AnnotatedGreeter();
		}

		@Bean
		@Lazy
		PlainGreeter plainGreeter() {
			return new PlainGreeter();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OneLineSystem {

		@Bean
		BeanPluginManager<Greeter> greeting(ListableBeanFactory beanFactory) {
			return new BeanPluginManager<>(beanFactory, Greeter.class);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SecondGreetingSystem {

		@Bean
		BeanPluginManager<Greeter> moreGreetings(ListableBeanFactory beanFactory) {
			BeanPluginManager<Greeter> manager = new BeanPluginManager<>(beanFactory, Greeter.class);
			manager.setCategory("greeting");
			return manager;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserLifecycle {

		@Bean
		PluginLifecycle userPluginLifecycle(UnifiedPluginRegistry registry) {
			return new PluginLifecycle(registry);
		}

	}

}
