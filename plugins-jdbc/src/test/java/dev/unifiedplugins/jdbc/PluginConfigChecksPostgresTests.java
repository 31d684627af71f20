package dev.unifiedplugins.jdbc;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import dev.unifiedplugins.config.ConfigChange;
import dev.unifiedplugins.config.ConfigViolation;
import dev.unifiedplugins.config.PluginConfigChange;
import dev.unifiedplugins.config.PluginConfigValidationException;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.systems.GreeterConfig;
import dev.unifiedplugins.systems.GreeterPlugin;
import dev.unifiedplugins.systems.Greeters;
import dev.unifiedplugins.systems.PluginLifecycle;
import dev.unifiedplugins.systems.ServiceLoaderPluginManager;
import io.zonky.test.db.postgres.junit5.EmbeddedPostgresExtension;
import io.zonky.test.db.postgres.junit5.SingleInstancePostgresExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The checks before a save on a real PostgreSQL: a save the loaded plugin refuses leaves
 * the row as it was, and a dry run lists the changes and writes nothing.
 */
class PluginConfigChecksPostgresTests {

	private static final String ENGLISH = "greeters_english";

	@RegisterExtension
	static final SingleInstancePostgresExtension postgres = EmbeddedPostgresExtension.singleInstance();

	private final List<PluginConfigChange> changes = new CopyOnWriteArrayList<>();

	@BeforeEach
	void reset() {
		Greeters.reset();
	}

	@Test
	void aSaveTheLoadedPluginRefusesLeavesTheRowAsItWas() {
		DataSource dataSource = createTable();
		UnifiedPluginRegistry registry = instance(dataSource);
		try (PluginLifecycle lifecycle = new PluginLifecycle(registry, Duration.ofSeconds(5))) {
			lifecycle.load(ENGLISH);
			registry.savePluginConfig(ENGLISH, Map.of("greeting", "Hi", "repeat", 2));
			Map<String, Object> row = row(dataSource);
			this.changes.clear();
			Greeters.checking("english", (config) -> {
				if (((GreeterConfig) config).repeat() > 2) {
					throw new IllegalArgumentException("repeat must be at most 2");
				}
			});

			assertThatExceptionOfType(PluginConfigValidationException.class)
				.isThrownBy(() -> registry.savePluginConfig(ENGLISH, Map.of("greeting", "Hey", "repeat", 3)))
				.satisfies((ex) -> assertThat(ex.violations())
					.containsExactly(new ConfigViolation("", "repeat must be at most 2")));

			assertThat(row(dataSource)).isEqualTo(row);
			assertThat(this.changes).isEmpty();
			assertThat(registry.refreshConfigurations()).isEmpty();
		}
	}

	@Test
	void aDryRunListsTheChangesAndLeavesTheRowAsItWas() {
		DataSource dataSource = createTable();
		UnifiedPluginRegistry registry = instance(dataSource);
		try (PluginLifecycle lifecycle = new PluginLifecycle(registry, Duration.ofSeconds(5))) {
			lifecycle.load(ENGLISH);
			registry.savePluginConfig(ENGLISH, Map.of("greeting", "Hi"));
			Map<String, Object> row = row(dataSource);
			this.changes.clear();
			Greeters.checking("english", (config) -> {
				if (((GreeterConfig) config).repeat() > 2) {
					throw new IllegalArgumentException("repeat must be at most 2");
				}
			});

			assertThat(registry.checkPluginConfig(ENGLISH, Map.of("greeting", "Hey", "repeat", 2)))
				.containsExactly(new ConfigChange("/greeting", "Hi", "Hey"), new ConfigChange("/repeat", 1, 2));
			assertThatExceptionOfType(PluginConfigValidationException.class)
				.isThrownBy(() -> registry.checkPluginConfig(ENGLISH, Map.of("repeat", 3)));

			assertThat(row(dataSource)).isEqualTo(row);
			assertThat(this.changes).isEmpty();
		}
	}

	/** The server starts for each test, after {@code @BeforeEach}: a fresh database. */
	private static DataSource createTable() {
		DataSource dataSource = postgres.getEmbeddedPostgres().getPostgresDatabase();
		new ResourceDatabasePopulator(new DefaultResourceLoader()
			.getResource(JdbcPluginConfigStore.SCHEMA_LOCATION.replace("@@platform@@", "postgresql")))
			.execute(dataSource);
		return dataSource;
	}

	private UnifiedPluginRegistry instance(DataSource dataSource) {
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(new JdbcPluginConfigStore(dataSource));
		registry.registerPluginManager("greeters", new ServiceLoaderPluginManager<>(GreeterPlugin.class));
		registry.addChangeListener(this.changes::add);
		return registry;
	}

	/** The plugin's row as stored: its JSON, revision and when and by whom it was written. */
	private static Map<String, Object> row(DataSource dataSource) {
		return new JdbcTemplate(dataSource).queryForMap(
				"SELECT json, revision, updated_at, updated_by FROM plugin_config WHERE unique_id = ?", ENGLISH);
	}

}
