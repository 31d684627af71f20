package dev.unifiedplugins.jdbc;

import java.time.Duration;
import java.util.Map;

import javax.sql.DataSource;

import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.systems.EnglishGreeter;
import dev.unifiedplugins.systems.GreeterConfig;
import dev.unifiedplugins.systems.GreeterPlugin;
import dev.unifiedplugins.systems.Greeters;
import dev.unifiedplugins.systems.PluginLifecycle;
import dev.unifiedplugins.systems.ServiceLoaderPluginManager;
import dev.unifiedplugins.testsupport.Await;
import dev.unifiedplugins.watch.PluginConfigWatcher;
import io.zonky.test.db.postgres.junit5.EmbeddedPostgresExtension;
import io.zonky.test.db.postgres.junit5.SingleInstancePostgresExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances of an application on one PostgreSQL database: a configuration saved by
 * one reloads the plugin loaded by the other.
 */
class PluginLifecyclePostgresTests {

	private static final String ENGLISH = "greeters_english";

	@RegisterExtension
	static final SingleInstancePostgresExtension postgres = EmbeddedPostgresExtension.singleInstance();

	@BeforeEach
	void reset() {
		Greeters.reset();
	}

	/** The server starts for each test, after {@code @BeforeEach}: a fresh database. */
	private static void createTable() {
		DataSource dataSource = postgres.getEmbeddedPostgres().getPostgresDatabase();
		new ResourceDatabasePopulator(new DefaultResourceLoader()
			.getResource(JdbcPluginConfigStore.SCHEMA_LOCATION.replace("@@platform@@", "postgresql")))
			.execute(dataSource);
	}

	@Test
	void saveOnOneInstanceReloadsThePluginLoadedOnTheOther() {
		createTable();
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
			// The new instance is published before the old one is cleaned up.
			Await.until("the old instance is cleaned up", () -> Greeters.cleanedUp("english") >= 1);
			assertThat(Greeters.cleanedUp("english")).isOne();
		}
	}

	private static UnifiedPluginRegistry instance() {
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(
				new JdbcPluginConfigStore(postgres.getEmbeddedPostgres().getPostgresDatabase()));
		registry.registerPluginManager("greeters", new ServiceLoaderPluginManager<>(GreeterPlugin.class));
		return registry;
	}

}
