package dev.unifiedplugins.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.unifiedplugins.config.FileSystemPluginConfigStore;
import dev.unifiedplugins.config.PluginConfigStore;
import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.core.PluginManager;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.lifecycle.PluginsShutdownLifecycle;
import dev.unifiedplugins.registration.PluginManagerRegistrar;
import dev.unifiedplugins.testsupport.Await;
import dev.unifiedplugins.testsupport.ChildProcesses;
import dev.unifiedplugins.testsupport.MemoryStore;
import dev.unifiedplugins.testsupport.TestPluginManager;
import dev.unifiedplugins.testsupport.TestPlugins;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PluginsAutoConfiguration}.
 */
@ExtendWith(OutputCaptureExtension.class)
class PluginsAutoConfigurationTests {

	@TempDir
	Path dir;

	private final ChildProcesses processes = new ChildProcesses();

	@AfterEach
	void killChildren() {
		this.processes.killAll();
	}

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(PluginsAutoConfiguration.class))
			.withPropertyValues("plugins.config-dir=" + this.dir);
	}

	@Test
	void createsStoreAndRegistryInConfigDir() {
		runner().run((context) -> {
			assertThat(context).hasSingleBean(UnifiedPluginRegistry.class).hasSingleBean(PluginConfigStore.class);
			assertThat(context.getBean(PluginConfigStore.class)).isInstanceOf(FileSystemPluginConfigStore.class);
			assertThat(((FileSystemPluginConfigStore) context.getBean(PluginConfigStore.class)).getDirectory())
				.isEqualTo(this.dir.toAbsolutePath());
			UnifiedPluginRegistry registry = context.getBean(UnifiedPluginRegistry.class);
			assertThat(registry.savePluginConfig("x_y", Map.of("a", 1))).isTrue();
			assertThat(this.dir.resolve("x_y.json")).exists();
		});
	}

	@Test
	void relativeConfigDirResolvesAgainstWorkingDirectory() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PluginsAutoConfiguration.class))
			.withPropertyValues("plugins.config-dir=target/test-relative-configs")
			.run((context) -> assertThat(
					((FileSystemPluginConfigStore) context.getBean(PluginConfigStore.class)).getDirectory())
				.isEqualTo(Path.of("target/test-relative-configs").toAbsolutePath().normalize()));
	}

	@Test
	void backsOffWhenUserDefinesRegistry() {
		runner().withUserConfiguration(UserRegistryConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(UnifiedPluginRegistry.class);
			assertThat(context.getBean(UnifiedPluginRegistry.class))
				.isSameAs(context.getBean(UserRegistryConfiguration.class).registry);
		});
	}

	@Test
	void backsOffWhenUserDefinesStore() {
		runner().withUserConfiguration(UserStoreConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(PluginConfigStore.class);
			assertThat(context.getBean(PluginConfigStore.class)).isInstanceOf(MemoryStore.class);
			context.getBean(UnifiedPluginRegistry.class).savePluginConfig("a_b", Map.of("k", "v"));
			assertThat(context.getBean(MemoryStore.class).exists("a_b")).isTrue();
			assertThat(this.dir.resolve("a_b.json")).doesNotExist();
		});
	}

	@Test
	void disabledByProperty() {
		runner().withPropertyValues("plugins.enabled=false")
			.withBean("transcription", PluginManager.class, () -> manager("whisper"))
			.run((context) -> assertThat(context).doesNotHaveBean(UnifiedPluginRegistry.class)
				.doesNotHaveBean(PluginConfigStore.class)
				.doesNotHaveBean(PluginManagerRegistrar.class)
				.doesNotHaveBean(PluginsShutdownLifecycle.class));
	}

	@Test
	void managersBecomeCategoriesNamedByCategoryElseBeanName() {
		runner().withBean("transcriptionManager", PluginManager.class, () -> manager("whisper"))
			.withBean("anything", PluginManager.class, () -> named("llm", "Language Models", "llama"))
			.run((context) -> {
				UnifiedPluginRegistry registry = context.getBean(UnifiedPluginRegistry.class);
				assertThat(registry.getCategories()).containsExactly("llm", "transcriptionManager");
				assertThat(registry.getPlugin("transcriptionManager_whisper")).isPresent();
				assertThat(registry.getPlugin("llm_llama")).isPresent();
				assertThat(registry.getCategoryDisplayName("llm")).isEqualTo("Language Models");
				assertThat(registry.getCategoryDisplayName("transcriptionManager")).isEqualTo("Transcriptionmanager");
			});
	}

	@Test
	void displayNamePropertyWinsOverManager() {
		runner().withPropertyValues("plugins.categories.llm.display-name=Large Language Models")
			.withBean("llm", PluginManager.class, () -> named("llm", "Language Models", "llama"))
			.run((context) -> assertThat(context.getBean(UnifiedPluginRegistry.class).getCategoryDisplayName("llm"))
				.isEqualTo("Large Language Models"));
	}

	@Test
	void dottedCategoryTakesItsDisplayNameInBracketForm() {
		runner().withPropertyValues("plugins.categories[speech.v2].display-name=Speech, second generation")
			.withBean("speech", PluginManager.class, () -> named("speech.v2", null, "whisper"))
			.run((context) -> assertThat(
					context.getBean(UnifiedPluginRegistry.class).getCategoryDisplayName("speech.v2"))
				.isEqualTo("Speech, second generation"));
	}

	@Test
	void autoDiscoverFalseRegistersCategoriesWithoutPlugins() {
		runner().withPropertyValues("plugins.auto-discover=false")
			.withBean("transcription", PluginManager.class, () -> manager("whisper"))
			.run((context) -> {
				UnifiedPluginRegistry registry = context.getBean(UnifiedPluginRegistry.class);
				assertThat(registry.getCategories()).containsExactly("transcription");
				assertThat(registry.getAllPlugins()).isEmpty();
			});
	}

	@Test
	void failingManagerDoesNotStopTheApplicationAndIsRecorded() {
		runner().withBean("broken", PluginManager.class, () -> () -> {
			throw new IllegalStateException("model directory missing");
		}).withBean("transcription", PluginManager.class, () -> manager("whisper")).run((context) -> {
			assertThat(context).hasNotFailed();
			UnifiedPluginRegistry registry = context.getBean(UnifiedPluginRegistry.class);
			assertThat(registry.getPlugin("transcription_whisper")).isPresent();
			assertThat(registry.getRegistrationFailures()).containsOnlyKeys("broken");
			assertThat(registry.getRegistrationFailures().get("broken")).hasMessage("model directory missing");
		});
	}

	@Test
	void managerWhoseCategoryThrowsDoesNotStopTheApplicationAndIsRecordedUnderItsBeanName() {
		runner().withBean("unnamed", PluginManager.class, () -> new TestPluginManager(PluginDescriptor.builder("a").build()) {
			@Override
			public String category() {
				throw new IllegalStateException("category property missing");
			}
		}).withBean("transcription", PluginManager.class, () -> manager("whisper")).run((context) -> {
			assertThat(context).hasNotFailed();
			UnifiedPluginRegistry registry = context.getBean(UnifiedPluginRegistry.class);
			assertThat(registry.getCategories()).containsExactly("transcription");
			assertThat(registry.getRegistrationFailures()).containsOnlyKeys("unnamed");
			assertThat(registry.getRegistrationFailures().get("unnamed")).hasMessageContaining("category()")
				.hasMessageContaining("category property missing");
		});
	}

	@Test
	void managerWhoseCategoryThrowsAndAnotherBeanOfItsBeanNamesCategoryFailTheStartNamingBoth() {
		// Either order: a failure is never replaced by the other's health, nor the other's health by it.
		runner().withBean("llm", PluginManager.class, ThrowingCategory::new)
			.withBean("chat", PluginManager.class, () -> named("llm", "Language models", "gpt"))
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("Plugin category 'llm' is declared twice")
				.hasMessageContaining("bean 'llm' (whose category() threw)")
				.hasMessageContaining("bean 'chat'"));
		runner().withBean("chat", PluginManager.class, () -> named("llm", "Language models", "gpt"))
			.withBean("llm", PluginManager.class, ThrowingCategory::new)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("Plugin category 'llm' is declared twice")
				.hasMessageContaining("bean 'chat'")
				.hasMessageContaining("bean 'llm' (whose category() threw)"));
	}

	@Test
	void aBeanNameThatIsNoLegalIdNamesTheCategoryWithItsIllegalCharactersReplaced(CapturedOutput output) {
		runner().withBean("Outer$Inner", PluginManager.class, ThrowingCategory::new)
			.withBean("speech#0", PluginManager.class, () -> manager("whisper"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				UnifiedPluginRegistry registry = context.getBean(UnifiedPluginRegistry.class);
				assertThat(registry.getPlugin("speech_0_whisper")).isPresent();
				assertThat(registry.getRegistrationFailures()).containsOnlyKeys("Outer_Inner");
				assertThat(registry.getRegistrationFailures().get("Outer_Inner")).hasMessageContaining("bean 'Outer$Inner'")
					.hasMessageContaining("category property missing");
			});
		// Each warning says why the bean name stands in: no category named, or category() threw.
		assertThat(output).contains("bean 'speech#0' names no category, and its name is no legal id")
			.contains("bean 'Outer$Inner' failed in category(), and its name is no legal id")
			.doesNotContain("bean 'Outer$Inner' names no category");
	}

	/** A manager that cannot say its category. */
	static class ThrowingCategory extends TestPluginManager {

		ThrowingCategory() {
			super(PluginDescriptor.builder("a").build());
		}

		@Override
		public String category() {
			throw new IllegalStateException("category property missing");
		}

	}

	@Test
	void managerWhoseDisplayNameThrowsRegistersUnderItsTitleCasedCategory() {
		runner().withBean("llm", PluginManager.class, () -> new TestPluginManager(PluginDescriptor.builder("a").build()) {
			@Override
			public String displayName() {
				throw new IllegalStateException("display name not found");
			}
		}).run((context) -> {
			assertThat(context).hasNotFailed();
			UnifiedPluginRegistry registry = context.getBean(UnifiedPluginRegistry.class);
			assertThat(registry.getPlugin("llm_a")).isPresent();
			assertThat(registry.getCategoryDisplayName("llm")).isEqualTo("Llm");
			assertThat(registry.getRegistrationFailures()).isEmpty();
		});
	}

	@Test
	void propertiesBind() {
		runner().withPropertyValues("plugins.auto-discover=false", "plugins.resource-timeout=750ms",
				"plugins.shutdown.cleanup=false", "plugins.shutdown.terminate-cloud-resources=true",
				"plugins.shutdown.timeout=30s", "plugins.shutdown.reap-orphans=false", "plugins.cost.default-hours=24",
				"plugins.categories.llm.display-name=LLMs")
			.run((context) -> {
				PluginsProperties properties = context.getBean(PluginsProperties.class);
				PluginsShutdownProperties shutdown = context.getBean(PluginsShutdownProperties.class);
				assertThat(properties.getConfigDir()).isEqualTo(this.dir);
				assertThat(properties.isAutoDiscover()).isFalse();
				assertThat(properties.getResourceTimeout()).isEqualTo(Duration.ofMillis(750));
				assertThat(shutdown.isCleanup()).isFalse();
				assertThat(shutdown.isTerminateCloudResources()).isTrue();
				assertThat(shutdown.getTimeout()).isEqualTo(Duration.ofSeconds(30));
				assertThat(shutdown.isReapOrphans()).isFalse();
				assertThat(properties.getCost().getDefaultHours()).isEqualTo(24.0);
				assertThat(properties.getCategories().get("llm").getDisplayName()).isEqualTo("LLMs");
			});
	}

	@Test
	void validationIsOnByDefaultAndCanBeTurnedOff() {
		PluginManager withSchema = () -> List.of(PluginDescriptor.builder("whisper")
			.configSchema(Map.of("type", "object", "properties", Map.of("device", Map.of("enum", List.of("cpu", "cuda")))))
			.build());
		runner().withBean("transcription", PluginManager.class, () -> withSchema).run((context) -> {
			UnifiedPluginRegistry registry = context.getBean(UnifiedPluginRegistry.class);
			assertThat(registry.isValidationEnabled()).isTrue();
			org.assertj.core.api.Assertions
				.assertThatIllegalArgumentException()
				.isThrownBy(() -> registry.savePluginConfig("transcription_whisper", Map.of("device", "tpu")));
		});
		runner().withPropertyValues("plugins.validation.enabled=false")
			.withBean("transcription", PluginManager.class, () -> withSchema)
			.run((context) -> {
				UnifiedPluginRegistry registry = context.getBean(UnifiedPluginRegistry.class);
				assertThat(registry.isValidationEnabled()).isFalse();
				assertThat(registry.savePluginConfig("transcription_whisper", Map.of("device", "tpu"))).isTrue();
			});
	}

	@Test
	void propertyDefaults() {
		runner().run((context) -> {
			PluginsShutdownProperties shutdown = context.getBean(PluginsShutdownProperties.class);
			PluginsProperties properties = context.getBean(PluginsProperties.class);
			assertThat(properties.isEnabled()).isTrue();
			assertThat(properties.isAutoDiscover()).isTrue();
			assertThat(properties.getResourceTimeout()).isEqualTo(Duration.ofSeconds(2));
			assertThat(shutdown.isCleanup()).isTrue();
			assertThat(shutdown.isTerminateCloudResources()).isFalse();
			assertThat(properties.getCost().getDefaultHours()).isEqualTo(1.0);
		});
	}

	@Test
	void nonPositiveResourceTimeoutFailsWithPropertyName() {
		runner().withPropertyValues("plugins.resource-timeout=0s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("plugins.resource-timeout"));
	}

	@Test
	void configDirThatIsAFileFailsWithItsPath() throws Exception {
		Path file = Files.writeString(this.dir.resolve("not-a-dir"), "x");
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PluginsAutoConfiguration.class))
			.withPropertyValues("plugins.config-dir=" + file)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining(file.toString())
				.hasMessageContaining("not a directory"));
	}

	@Test
	void storeLimitsConfigsToFourMegabytesByDefault() {
		runner().run((context) -> {
			assertThat(context.getBean(PluginsProperties.class).getMaxConfigSize()).isEqualTo(DataSize.ofMegabytes(4));
			assertThat(context.getBean(FileSystemPluginConfigStore.class).getMaxConfigSize())
				.isEqualTo(4L * 1024 * 1024);
		});
	}

	@Test
	void maxConfigSizeLimitsTheStore() {
		runner().withPropertyValues("plugins.max-config-size=64KB")
			.run((context) -> assertThat(context.getBean(FileSystemPluginConfigStore.class).getMaxConfigSize())
				.isEqualTo(64L * 1024));
	}

	@Test
	void maxConfigSizeThatIsNotPositiveOrAboveOneGigabyteFailsWithPropertyName() {
		for (String size : List.of("0B", "-1KB", "2GB")) {
			runner().withPropertyValues("plugins.max-config-size=" + size)
				.run((context) -> assertThat(context).hasFailed()
					.getFailure()
					.rootCause()
					.hasMessageContaining("plugins.max-config-size"));
		}
	}

	@Test
	void theFileStoreKeepsTwentyRevisionsByDefaultAndHistorySizeSetsIt() {
		runner().run((context) -> assertThat(context.getBean(FileSystemPluginConfigStore.class).getHistorySize())
			.isEqualTo(20));
		runner().withPropertyValues("plugins.history.size=0")
			.run((context) -> assertThat(context.getBean(FileSystemPluginConfigStore.class).getHistorySize()).isZero());
		runner().withPropertyValues("plugins.history.size=-1")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("plugins.history.size"));
	}

	@Test
	void processLedgerIsKeptInTheDirectoryOfAUserDefinedFileStore() throws Exception {
		Path storeDir = this.dir.resolve("user-store");
		runner().withPropertyValues("plugins.shutdown.track-interval=100ms")
			.withBean("userStore", FileSystemPluginConfigStore.class, () -> new FileSystemPluginConfigStore(storeDir))
			.withBean("workers", PluginManager.class, this::sleeperManager)
			.run((context) -> {
				assertThat(context).hasSingleBean(PluginConfigStore.class);
				Await.until("the sleeper is recorded in " + storeDir, () -> !processLedgers(storeDir).isEmpty());
				assertThat(processLedgers(this.dir)).as("in plugins.config-dir").isEmpty();
			});
	}

	@Test
	void processLedgerIsKeptInConfigDirWhenTheStoreKeepsNoFiles() {
		runner().withPropertyValues("plugins.shutdown.track-interval=100ms")
			.withUserConfiguration(UserStoreConfiguration.class)
			.withBean("workers", PluginManager.class, this::sleeperManager)
			.run((context) -> Await.until("the sleeper is recorded in " + this.dir,
					() -> !processLedgers(this.dir).isEmpty()));
	}

	private PluginManager sleeperManager() {
		try {
			long pid = this.processes.startSleep().pid();
			return TestPluginManager.of(Map.of("sleeper", new TestPlugins.Lifecycle(() -> List.of(pid))));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The state files of this process's {@link dev.unifiedplugins.lifecycle.ManagedProcessTracker} in a directory. */
	private static List<Path> processLedgers(Path dir) {
		if (!Files.isDirectory(dir)) {
			return List.of();
		}
		try (Stream<Path> files = Files.list(dir)) {
			return files
				.filter((file) -> file.getFileName()
					.toString()
					.startsWith(".managed-processes." + ProcessHandle.current().pid() + "-"))
				.toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static PluginManager manager(String... names) {
		return () -> java.util.Arrays.stream(names).map((name) -> PluginDescriptor.builder(name).build()).toList();
	}

	static PluginManager named(String category, String displayName, String... names) {
		return new PluginManager() {

			@Override
			public List<PluginDescriptor> discoverPlugins() {
				return manager(names).discoverPlugins();
			}

			@Override
			public String category() {
				return category;
			}

			@Override
			public String displayName() {
				return displayName;
			}

		};
	}

	@Configuration(proxyBeanMethods = false)
	static class UserRegistryConfiguration {

		final UnifiedPluginRegistry registry = new UnifiedPluginRegistry(new MemoryStore());

		@Bean
		UnifiedPluginRegistry customRegistry() {
			return this.registry;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserStoreConfiguration {

		@Bean
		MemoryStore customStore() {
			return new MemoryStore();
		}

	}

}
