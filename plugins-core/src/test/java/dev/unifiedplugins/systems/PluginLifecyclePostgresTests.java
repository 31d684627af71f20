package dev.unifiedplugins.systems;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

import javax.sql.DataSource;

import dev.unifiedplugins.config.JdbcPluginConfigStore;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.runtime.PluginConfigWatcher;
import dev.unifiedplugins.testsupport.Await;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances of an application on one PostgreSQL database: a configuration saved by
 * one reloads the plugin loaded by the other.
 */
class PluginLifecyclePostgresTests {

	private static final String ENGLISH = "greeters_english";

	private static EmbeddedPostgres postgres;

	@BeforeAll
	static void startPostgres() throws IOException {
		postgres = EmbeddedPostgres.start();
	}

	@AfterAll
	static void stopPostgres() throws IOException {
		postgres.close();
	}

	@BeforeEach
	void createTable() {
		DataSource dataSource = postgres.getPostgresDatabase();
		new JdbcTemplate(dataSource).execute("DROP TABLE IF EXISTS " + JdbcPluginConfigStore.DEFAULT_TABLE_NAME);
		new ResourceDatabasePopulator(new DefaultResourceLoader()
			.getResource(JdbcPluginConfigStore.SCHEMA_LOCATION.replace("@@platform@@", "postgresql")))
			.execute(dataSource);
		Greeters.reset();
	}

	@Test
	void saveOnOneInstanceReloadsThePluginLoadedOnTheOther() {
		UnifiedPluginRegistry writer = instance();
		UnifiedPluginRegistry reader = instance();
		try (PluginLifecycle lifecycle = new PluginLifecycle(reader);
				PluginConfigWatcher watcher = new PluginConfigWatcher(reader, Duration.ofSeconds(1))) {
			watcher.start();
			EnglishGreeter first = (EnglishGreeter) lifecycle.load(ENGLISH);
			assertThat(first.config().greeting()).isEqualTo("Hello");
			writer.savePluginConfig(ENGLISH, Map.of("greeting", "Howdy", "repeat", 3));
			Await.until("the reader's plugin is reloaded", () -> reader.getPluginInstance(ENGLISH).orElseThrow() != first);
			EnglishGreeter reloaded = (EnglishGreeter) reader.getPluginInstance(ENGLISH).orElseThrow();
			assertThat(reloaded.config()).isEqualTo(new GreeterConfig("Howdy", 3));
			assertThat(Greeters.cleanedUp("english")).isOne();
		}
	}

	private static UnifiedPluginRegistry instance() {
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(
				new JdbcPluginConfigStore(postgres.getPostgresDatabase()));
		registry.registerPluginManager("greeters", new ServiceLoaderPluginManager<>(GreeterPlugin.class));
		return registry;
	}

}
