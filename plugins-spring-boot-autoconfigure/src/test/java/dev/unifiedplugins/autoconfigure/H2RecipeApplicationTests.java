package dev.unifiedplugins.autoconfigure;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import dev.unifiedplugins.config.PluginConfigStore;
import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.core.PluginManager;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.jdbc.JdbcPluginConfigStore;
import dev.unifiedplugins.testsupport.Await;
import dev.unifiedplugins.testsupport.ChildProcesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The recipe for trying the JDBC store on H2 in an application of one's own:
 * {@code plugins-jdbc}, {@code spring-boot-starter-jdbc} and H2 on the class path (as on
 * this module's test class path), full auto-configuration, and the recipe's properties
 * and nothing else (beside a config directory of the test's own).
 */
class H2RecipeApplicationTests {

	/** The recipe for one instance: the store type, nothing else. */
	private static final List<String> IN_MEMORY = List.of("--plugins.store-type=jdbc");

	@TempDir
	Path dir;

	private final ChildProcesses processes = new ChildProcesses();

	@AfterEach
	void killChildren() {
		this.processes.killAll();
	}

	/** The recipe for a database on disk that several processes on one machine share. */
	private List<String> onDisk() {
		return List.of("--plugins.store-type=jdbc", "--plugins.jdbc.initialize-schema=always",
				"--spring.datasource.url=jdbc:h2:file:" + this.dir.resolve("plugins-db") + ";AUTO_SERVER=TRUE");
	}

	@Test
	void inMemoryTheStoreTypeIsAllItTakes() {
		try (ConfigurableApplicationContext context = RecipeApplication.start(args(IN_MEMORY, "first"))) {
			assertThat(context.getBean(PluginConfigStore.class)).isInstanceOf(JdbcPluginConfigStore.class);
			UnifiedPluginRegistry registry = context.getBean(UnifiedPluginRegistry.class);
			assertThat(registry.savePluginConfig("llm_gpt", Map.of("model", "gpt-4o"))).isTrue();
			assertThat(registry.loadPluginConfig("llm_gpt")).containsEntry("model", "gpt-4o");
			assertThat(registry.getPlugin("llm_gpt").orElseThrow().configured()).isTrue();
			JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
			assertThat(jdbc.queryForObject("SELECT json FROM plugin_config WHERE unique_id = 'llm_gpt'", String.class))
				.contains("gpt-4o");
			assertThat(jdbc.queryForObject("SELECT DATABASE_PATH()", String.class)).as("in memory").isNull();
		}
	}

	@Test
	void onDiskTwoProcessesShareTheConfigurationsAndARestartKeepsThem() throws Exception {
		List<String> recipe = onDisk();
		try (ConfigurableApplicationContext first = RecipeApplication.start(args(recipe, "first"))) {
			UnifiedPluginRegistry registry = first.getBean(UnifiedPluginRegistry.class);
			ChildProcesses.ChildJvm other = this.processes.startJvm(RecipeApplication.class,
					args(recipe, "other").toArray(String[]::new));
			other.awaitLine("SAVED");
			Await.until("this process sees the other's save",
					() -> registry.getPlugin("llm_gpt").orElseThrow().configured());
			assertThat(registry.loadPluginConfig("llm_gpt")).containsEntry("model", "from the other process");
			assertThat(registry.savePluginConfig("llm_llama", Map.of("model", "from this process"))).isTrue();
			assertThat(other.awaitLine("SEEN")).isEqualTo("SEEN from this process");
		}
		this.processes.killAll();
		try (ConfigurableApplicationContext restarted = RecipeApplication.start(args(recipe, "restarted"))) {
			UnifiedPluginRegistry registry = restarted.getBean(UnifiedPluginRegistry.class);
			assertThat(registry.loadPluginConfig("llm_gpt")).containsEntry("model", "from the other process");
			assertThat(registry.loadPluginConfig("llm_llama")).containsEntry("model", "from this process");
		}
	}

	private List<String> args(List<String> recipe, String instance) {
		List<String> args = new ArrayList<>(recipe);
		args.add("--plugins.config-dir=" + this.dir.resolve(instance));
		return args;
	}

	/**
	 * An application of one's own: one plugin system, {@code llm}, with two plugins. Its
	 * {@code main}, in another JVM, saves {@code llm_gpt}, prints {@code SAVED}, waits for
	 * {@code llm_llama} to be saved elsewhere, prints {@code SEEN <model>} and stays up.
	 */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class RecipeApplication {

		static ConfigurableApplicationContext start(List<String> args) {
			SpringApplication application = new SpringApplication(RecipeApplication.class);
			application.setWebApplicationType(WebApplicationType.NONE);
			List<String> quiet = new ArrayList<>(args);
			quiet.add("--spring.main.banner-mode=off");
			return application.run(quiet.toArray(String[]::new));
		}

		public static void main(String[] args) throws Exception {
			List<String> quiet = new ArrayList<>(List.of(args));
			quiet.add("--logging.level.root=WARN");
			UnifiedPluginRegistry registry = start(quiet).getBean(UnifiedPluginRegistry.class);
			if (!registry.savePluginConfig("llm_gpt", Map.of("model", "from the other process"))) {
				throw new IllegalStateException("The save failed");
			}
			System.out.println("SAVED");
			while (!registry.getPlugin("llm_llama").orElseThrow().configured()) {
				Thread.sleep(50);
			}
			System.out.println("SEEN " + registry.loadPluginConfig("llm_llama").get("model"));
			Thread.sleep(Long.MAX_VALUE);
		}

		@Bean
		PluginManager llm() {
			return () -> List.of(PluginDescriptor.builder("gpt").build(), PluginDescriptor.builder("llama").build());
		}

	}

}
