package dev.unifiedplugins.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import dev.unifiedplugins.applied.AppliedRevisions;
import dev.unifiedplugins.applied.LocalAppliedRevisions;
import dev.unifiedplugins.config.ExpectedRevision;
import dev.unifiedplugins.config.FileSystemPluginConfigStore;
import dev.unifiedplugins.config.PluginConfigChange;
import dev.unifiedplugins.config.PluginConfigConflictException;
import dev.unifiedplugins.config.PluginConfigStore;
import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.core.PluginManager;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.cost.CloudCostFleet;
import dev.unifiedplugins.cost.CloudCostGuard;
import dev.unifiedplugins.jdbc.JdbcAppliedRevisions;
import dev.unifiedplugins.jdbc.JdbcCloudCostFleet;
import dev.unifiedplugins.jdbc.JdbcPluginConfigStore;
import dev.unifiedplugins.jdbcinit.JdbcStoreStartup;
import dev.unifiedplugins.testsupport.Await;
import dev.unifiedplugins.watch.PluginConfigWatcher;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceInitializationAutoConfiguration;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.init.ScriptStatementFailedException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * {@code plugins.store-type=jdbc}: the table on the application's DataSource, its schema,
 * the import of a config directory, and two instances on one PostgreSQL.
 */
class JdbcStoreConfigurationTests {

	@TempDir
	Path dir;

	private ApplicationContextRunner runner(String url) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					DataSourceInitializationAutoConfiguration.class, PluginsAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=" + url, "plugins.store-type=jdbc",
					"plugins.config-dir=" + this.dir, "plugins.jdbc.poll-interval=200ms")
			.withBean("llm", PluginManager.class,
					() -> () -> List.of(PluginDescriptor.builder("gpt").build(), PluginDescriptor.builder("llama").build()))
			.withUserConfiguration(Listener.class);
	}

	private static String h2() {
		return "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
	}

	@Test
	void anEmbeddedDatabaseGetsItsTableAndKeepsTheConfigurations() {
		runner(h2()).run((context) -> {
			assertThat(context).hasSingleBean(PluginConfigStore.class)
				.hasSingleBean(PluginConfigWatcher.class)
				.hasSingleBean(JdbcStoreConfiguration.PluginsJdbcDataSourceScriptDatabaseInitializer.class);
			assertThat(context.getBean(PluginConfigStore.class)).isInstanceOf(JdbcPluginConfigStore.class);
			UnifiedPluginRegistry registry = context.getBean(UnifiedPluginRegistry.class);
			assertThat(registry.savePluginConfig("llm_gpt", Map.of("model", "a"))).isTrue();
			assertThat(new JdbcTemplate(context.getBean(DataSource.class))
				.queryForObject("SELECT revision FROM plugin_config WHERE unique_id = 'llm_gpt'", Long.class))
				.isPositive();
			assertThat(registry.getPlugin("llm_gpt").orElseThrow().configured()).isTrue();
			assertThat(Files.exists(this.dir.resolve("llm_gpt.json"))).as("no file").isFalse();
		});
	}

	@Test
	void theJdbcStoreKeepsTheHistorySizeAndItsTableComesWithTheSchema() {
		runner(h2()).withPropertyValues("plugins.history.size=3").run((context) -> {
			JdbcPluginConfigStore store = (JdbcPluginConfigStore) context.getBean(PluginConfigStore.class);
			assertThat(store.getHistorySize()).isEqualTo(3);
			UnifiedPluginRegistry registry = context.getBean(UnifiedPluginRegistry.class);
			for (int i = 0; i < 5; i++) {
				registry.savePluginConfig("llm_gpt", Map.of("model", "m" + i));
			}
			assertThat(registry.getConfigHistory("llm_gpt")).hasSize(3);
			// Old revisions go at the store's first write of a plugin and every 8th after it.
			assertThat(new JdbcTemplate(context.getBean(DataSource.class))
				.queryForObject("SELECT COUNT(*) FROM plugin_config_history WHERE unique_id = 'llm_gpt'", Integer.class))
				.isBetween(3, 3 + 7);
		});
	}

	@Test
	void initializeSchemaNeverLeavesTheDatabaseAloneAndTheMissingTableIsAReportedFailure() {
		runner(h2()).withPropertyValues("plugins.jdbc.initialize-schema=never").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(new JdbcTemplate(context.getBean(DataSource.class)).queryForObject(
					"SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE LOWER(TABLE_NAME) = 'plugin_config'",
					Integer.class))
				.isZero();
			assertThat(context.getBean(UnifiedPluginRegistry.class).getRegistrationFailures())
				.hasEntrySatisfying("llm", (failure) -> assertThat(failure).hasMessageContaining("plugin_config"));
		});
	}

	@Test
	void aSchemaScriptThatFailsStopsTheStartUnlessToldToGoOn() throws Exception {
		Path script = Files.writeString(this.dir.resolve("broken.sql"), "CREATE TABLE plugin_config (;");
		runner(h2()).withPropertyValues("plugins.jdbc.schema=" + script.toUri())
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("Syntax error"));
		runner(h2()).withPropertyValues("plugins.jdbc.schema=" + script.toUri(), "plugins.jdbc.continue-on-error=true")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void aCustomSchemaScriptIsNotRunAgainAndItsFailureNamesTheStatementAtFault() throws Exception {
		// Its first statement applies; were the script run again, that one would fail
		// ("already exists") and hide the typo in the second.
		Path script = Files.writeString(this.dir.resolve("my-schema.sql"), """
				CREATE TABLE plugin_config (unique_id VARCHAR(128) NOT NULL PRIMARY KEY, json CHARACTER LARGE OBJECT,
				 revision BIGINT NOT NULL, updated_at TIMESTAMP WITH TIME ZONE NOT NULL, updated_by VARCHAR(255) NOT NULL);
				CREATE TABEL plugin_config_history (unique_id VARCHAR(128));
				""");
		runner(h2()).withPropertyValues("plugins.jdbc.initialize-schema=always", "plugins.jdbc.schema=" + script.toUri())
			.run((context) -> {
				assertThat(context).hasFailed();
				Throwable failure = context.getStartupFailure();
				while (!(failure instanceof ScriptStatementFailedException) && failure.getCause() != null) {
					failure = failure.getCause();
				}
				assertThat(failure).isInstanceOf(ScriptStatementFailedException.class)
					.hasMessageContaining("TABEL")
					.hasNoSuppressedExceptions();
			});
	}

	@Test
	void instancesStartingAtOnceOnOneH2DatabaseEachSetItUp() throws Exception {
		// As instances on one H2 database (AUTO_SERVER, or a TCP server) whose starts meet:
		// their sessions run in one H2 engine, as these do, which does not serialize their
		// DDL. Every other round starts from a table an earlier version made, without the
		// history, whose rows the script copies into it: once each, however many run it.
		ExecutorService executor = Executors.newFixedThreadPool(4);
		try {
			for (int round = 0; round < 12; round++) {
				String url = h2();
				JdbcTemplate jdbc = new JdbcTemplate(h2DataSource(url));
				if (round % 2 == 1) {
					jdbc.execute("CREATE TABLE plugin_config (unique_id VARCHAR(128) NOT NULL PRIMARY KEY,"
							+ " json CHARACTER LARGE OBJECT, revision BIGINT NOT NULL,"
							+ " updated_at TIMESTAMP WITH TIME ZONE NOT NULL, updated_by VARCHAR(255) NOT NULL)");
					for (int i = 0; i < 50; i++) {
						jdbc.update("INSERT INTO plugin_config VALUES (?, '{}', 2, CURRENT_TIMESTAMP, 'old')", "llm_p" + i);
					}
				}
				CyclicBarrier barrier = new CyclicBarrier(4);
				List<Future<Boolean>> starts = new ArrayList<>();
				for (int instance = 0; instance < 4; instance++) {
					PluginsJdbcProperties properties = new PluginsJdbcProperties();
					properties.setInitializeSchema(DatabaseInitializationMode.ALWAYS);
					properties.setPlatform("h2");
					JdbcStoreConfiguration.PluginsJdbcDataSourceScriptDatabaseInitializer initializer = new JdbcStoreConfiguration.PluginsJdbcDataSourceScriptDatabaseInitializer(
							h2DataSource(url), properties);
					starts.add(executor.submit(() -> {
						barrier.await(10, TimeUnit.SECONDS);
						initializer.afterPropertiesSet();
						return initializer.isDeferred();
					}));
				}
				for (Future<Boolean> start : starts) {
					assertThat(start.get(30, TimeUnit.SECONDS)).as("deferred").isFalse();
				}
				assertThat(jdbc.queryForList("SELECT LOWER(TABLE_NAME) FROM INFORMATION_SCHEMA.TABLES"
						+ " WHERE TABLE_SCHEMA = 'PUBLIC' ORDER BY 1", String.class))
					.containsExactly("plugin_config", "plugin_config_applied", "plugin_config_cloud_instances",
							"plugin_config_cloud_lock", "plugin_config_cloud_resources", "plugin_config_history");
				assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM plugin_config_history", Integer.class))
					.isEqualTo((round % 2 == 1) ? 50 : 0);
				jdbc.execute("SHUTDOWN");
			}
		}
		finally {
			executor.shutdownNow();
		}
	}

	private static DataSource h2DataSource(String url) {
		JdbcDataSource dataSource = new JdbcDataSource();
		dataSource.setURL(url);
		return dataSource;
	}

	@Test
	void theConfigDirIsImportedWithoutOverwritingTheTable() {
		String url = h2();
		FileSystemPluginConfigStore files = new FileSystemPluginConfigStore(this.dir);
		files.save("llm_gpt", Map.of("model", "from file"));
		files.save("llm_llama", Map.of("model", "from file"));
		runner(url).run((context) -> context.getBean(UnifiedPluginRegistry.class)
			.savePluginConfig("llm_llama", Map.of("model", "from table")));
		runner(url).withPropertyValues("plugins.jdbc.import-from-config-dir=true").run((context) -> {
			UnifiedPluginRegistry registry = context.getBean(UnifiedPluginRegistry.class);
			assertThat(registry.loadPluginConfig("llm_gpt")).containsEntry("model", "from file");
			assertThat(registry.loadPluginConfig("llm_llama")).containsEntry("model", "from table");
			assertThat(registry.getPlugin("llm_gpt").orElseThrow().configured()).isTrue();
		});
	}

	@Test
	void withoutADataSourceTheStartFailsNamingTheProperty() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PluginsAutoConfiguration.class))
			.withPropertyValues("plugins.store-type=jdbc", "plugins.config-dir=" + this.dir)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("plugins.store-type"));
	}

	@Test
	void withoutSpringBootJdbcTheStartFailsNamingThePropertyAndTheModule() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PluginsAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.jdbc"))
			.withPropertyValues("plugins.store-type=jdbc", "plugins.config-dir=" + this.dir)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("plugins.store-type")
				.hasMessageContaining("spring-boot-starter-jdbc"));
	}

	@Test
	void withoutPluginsJdbcTheStartFailsNamingTheArtifactToAdd() {
		runner(h2()).withClassLoader(new FilteredClassLoader("dev.unifiedplugins.jdbc."))
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("plugins.store-type")
				.hasMessageContaining("dev.unifiedplugins:plugins-jdbc"));
	}

	@Test
	void aPluginsDataSourceIsUsedByTheStoreTheFleetAndTheSchemaInitializer() {
		runner(h2()).withConfiguration(AutoConfigurations.of(PluginsCloudCostAutoConfiguration.class))
			.withUserConfiguration(PluginsDataSourceConfiguration.class)
			.run((context) -> {
				DataSource plugins = context.getBean("pluginsDataSource", DataSource.class);
				assertThat(context).hasNotFailed();
				UnifiedPluginRegistry registry = context.getBean(UnifiedPluginRegistry.class);
				assertThat(registry.savePluginConfig("llm_gpt", Map.of("model", "a"))).isTrue();
				assertThat(new JdbcTemplate(plugins).queryForObject(
						"SELECT COUNT(*) FROM plugin_config WHERE unique_id = 'llm_gpt'", Integer.class)).isOne();
				assertThat(new JdbcTemplate(context.getBean("dataSource", DataSource.class)).queryForObject(
						"SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE LOWER(TABLE_NAME) = 'plugin_config'",
						Integer.class))
					.as("nothing in the application's DataSource")
					.isZero();
				context.getBean(CloudCostGuard.class).check();
				assertThat(new JdbcTemplate(plugins).queryForObject(
						"SELECT COUNT(*) FROM plugin_config_cloud_instances", Integer.class)).isOne();
			});
	}

	@Test
	void timeoutsAndPollIntervalReachTheStoreAndOneWatcherRescansAtTheSafetyPeriod() {
		runner(h2()).withPropertyValues("plugins.lock-timeout=3s", "plugins.jdbc.query-timeout=7s")
			.run((context) -> {
				JdbcPluginConfigStore store = context.getBean(JdbcPluginConfigStore.class);
				assertThat(store.getLockTimeout()).isEqualTo(Duration.ofSeconds(3));
				assertThat(store.getQueryTimeout()).isEqualTo(Duration.ofSeconds(7));
				assertThat(store.getPollInterval()).isEqualTo(Duration.ofMillis(200));
				assertThat(context).hasSingleBean(PluginConfigWatcher.class);
				assertThat(PluginsAutoConfiguration.JDBC_SAFETY_REREAD_INTERVAL)
					.isEqualTo(JdbcPluginConfigStore.SAFETY_REREAD_INTERVAL);
			});
	}

	@Test
	void aLockTimeoutThatIsNotPositiveFailsTheStartNamingTheProperty() {
		runner(h2()).withPropertyValues("plugins.lock-timeout=0s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("plugins.lock-timeout"));
	}

	@Test
	void theFileStoreStaysTheDefault() {
		runner(h2()).withPropertyValues("plugins.store-type=file")
			.run((context) -> assertThat(context.getBean(PluginConfigStore.class))
				.isInstanceOf(FileSystemPluginConfigStore.class));
	}

	@Test
	void theGuardPublishesToTheFleetOnTheSameDatabaseUnderTheInstanceName() {
		runner(h2()).withConfiguration(AutoConfigurations.of(PluginsCloudCostAutoConfiguration.class))
			.withPropertyValues("plugins.jdbc.instance-name=web-1", "plugins.cloud.check-interval=20s")
			.run((context) -> {
				assertThat(context).hasSingleBean(CloudCostFleet.class);
				JdbcCloudCostFleet fleet = context.getBean(JdbcCloudCostFleet.class);
				assertThat(fleet.instanceName()).isEqualTo("web-1");
				assertThat(fleet.getDropOutAfter()).isEqualTo(Duration.ofMinutes(1));
				assertThat(fleet.getQueryTimeout()).as("plugins.jdbc.query-timeout").isEqualTo(Duration.ofSeconds(5));
				CloudCostGuard.Fleet seen = context.getBean(CloudCostGuard.class).check().fleet();
				assertThat(seen).isEqualTo(new CloudCostGuard.Fleet(1, 0.0, Map.of("web-1", 0.0), null));
				UnifiedPluginRegistry registry = context.getBean(UnifiedPluginRegistry.class);
				registry.savePluginConfig("llm_gpt", Map.of("model", "a"));
				assertThat(new JdbcTemplate(context.getBean(DataSource.class)).queryForObject(
						"SELECT updated_by FROM plugin_config WHERE unique_id = 'llm_gpt'", String.class))
					.isEqualTo("web-1");
			});
	}

	@Test
	void aUserDefinedFleetIsUsed() {
		CloudCostFleet mine = new JdbcCloudCostFleet(new org.h2.jdbcx.JdbcDataSource(), "mine", "me",
				Duration.ofMinutes(5));
		runner(h2()).withBean("myFleet", CloudCostFleet.class, () -> mine)
			.run((context) -> assertThat(context).getBean(CloudCostFleet.class).isSameAs(mine));
	}

	@Test
	void theFileStoreHasNoFleet() {
		runner(h2()).withConfiguration(AutoConfigurations.of(PluginsCloudCostAutoConfiguration.class))
			.withPropertyValues("plugins.store-type=file")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(CloudCostFleet.class);
				assertThat(context.getBean(CloudCostGuard.class).check().fleet()).isNull();
			});
	}

	@Test
	void theAppliedRevisionsAreSharedInTheDatabaseUnderTheInstanceName() {
		runner(h2()).withPropertyValues("plugins.jdbc.instance-name=web-1", "plugins.jdbc.applied-heartbeat-interval=5s")
			.run((context) -> {
				assertThat(context).hasSingleBean(AppliedRevisions.class);
				JdbcAppliedRevisions applied = context.getBean(JdbcAppliedRevisions.class);
				assertThat(applied.instanceName()).isEqualTo("web-1");
				assertThat(applied.getTableName()).isEqualTo("plugin_config_applied");
				assertThat(applied.getDropOutAfter()).isEqualTo(Duration.ofSeconds(15));
				applied.record("llm_gpt", "1", null);
				Await.until("the entry is written", () -> !applied.get("llm_gpt").isEmpty());
				assertThat(applied.get("llm_gpt")).containsOnlyKeys("web-1");
			});
	}

	@Test
	void userDefinedAppliedRevisionsAreUsedWithTheJdbcStore() {
		AppliedRevisions mine = new LocalAppliedRevisions("mine");
		runner(h2()).withBean("myAppliedRevisions", AppliedRevisions.class, () -> mine)
			.run((context) -> assertThat(context).getBean(AppliedRevisions.class).isSameAs(mine));
	}

	@Test
	void anAppliedHeartbeatIntervalThatIsNotPositiveFailsTheStartNamingTheProperty() {
		runner(h2()).withPropertyValues("plugins.jdbc.applied-heartbeat-interval=0s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("plugins.jdbc.applied-heartbeat-interval"));
	}

	@Test
	void aBlankInstanceNameFailsTheStartNamingTheProperty() {
		runner(h2()).withPropertyValues("plugins.jdbc.instance-name= ")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("plugins.jdbc.instance-name"));
	}

	@Test
	void aMaxConfigSizeOutOfRangeFailsTheStartNamingThatProperty() {
		runner(h2()).withPropertyValues("plugins.max-config-size=0B")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("plugins.max-config-size")
				.hasMessageNotContaining("table-name"));
	}

	/** Two application instances on one real PostgreSQL. */
	@Nested
	@TestInstance(TestInstance.Lifecycle.PER_CLASS)
	class TwoInstancesOnPostgres {

		private EmbeddedPostgres postgres;

		private String url;

		@BeforeAll
		void startPostgres() throws Exception {
			this.postgres = EmbeddedPostgres.start();
			this.url = this.postgres.getJdbcUrl("postgres", "postgres");
		}

		@AfterAll
		void stopPostgres() throws Exception {
			this.postgres.close();
		}

		private ApplicationContextRunner instance() {
			return runner(this.url).withPropertyValues("plugins.jdbc.initialize-schema=always",
					"spring.datasource.username=postgres");
		}

		@Test
		void eachSeesTheOthersSavesAndDeletesWithEvents() {
			instance().run((first) -> instance().run((second) -> {
				UnifiedPluginRegistry one = first.getBean(UnifiedPluginRegistry.class);
				UnifiedPluginRegistry two = second.getBean(UnifiedPluginRegistry.class);
				List<PluginConfigChange> seenByTwo = second.getBean(Listener.class).events;
				one.savePluginConfig("llm_gpt", Map.of("model", "shared"));
				Await.until("the second instance sees the save", () -> seenByTwo.stream()
					.anyMatch((change) -> change.uniqueId().equals("llm_gpt") && change.external()));
				assertThat(two.getPlugin("llm_gpt").orElseThrow().configured()).isTrue();
				assertThat(two.loadPluginConfig("llm_gpt")).containsEntry("model", "shared");
				one.deletePluginConfig("llm_gpt");
				Await.until("the second instance sees the delete",
						() -> !two.getPlugin("llm_gpt").orElseThrow().configured());
				assertThat(seenByTwo).last()
					.isEqualTo(new PluginConfigChange("llm_gpt", PluginConfigChange.Kind.DELETED, null, true));
			}));
		}

		@Test
		void twoOperatorsEditingOnePluginCannotOverwriteEachOther() {
			instance().run((first) -> instance().run((second) -> {
				UnifiedPluginRegistry one = first.getBean(UnifiedPluginRegistry.class);
				UnifiedPluginRegistry two = second.getBean(UnifiedPluginRegistry.class);
				one.savePluginConfig("llm_llama", Map.of("model", "v1"));
				String read = two.loadStoredPluginConfig("llm_llama").orElseThrow().revision();
				assertThat(one.loadStoredPluginConfig("llm_llama").orElseThrow().revision()).isEqualTo(read);
				one.savePluginConfig("llm_llama", Map.of("model", "v2 by one"), ExpectedRevision.of(read));
				assertThatExceptionOfType(PluginConfigConflictException.class).isThrownBy(() -> two
					.savePluginConfig("llm_llama", Map.of("model", "v2 by two"), ExpectedRevision.of(read)));
				assertThat(two.loadPluginConfig("llm_llama")).containsEntry("model", "v2 by one");
			}));
		}

		@Test
		void anInstanceStartsWhileATableIsLockedWholeAndSetsItUpOnceTheLockIsGone() throws Exception {
			instance().run((first) -> assertThat(first).hasNotFailed());
			try (Connection holder = DriverManager.getConnection(this.url, "postgres", "")) {
				// A migration, a VACUUM FULL, a person's LOCK TABLE: longer than the script waits.
				holder.setAutoCommit(false);
				try (Statement lock = holder.createStatement()) {
					lock.execute("LOCK TABLE plugin_config_history IN EXCLUSIVE MODE");
				}
				assertTimeoutPreemptively(Duration.ofSeconds(60), () -> instance().run((second) -> {
					assertThat(second).hasNotFailed();
					JdbcStoreStartup startup = second.getBean(JdbcStoreStartup.class);
					assertThat(startup.isDone()).isFalse();
					UnifiedPluginRegistry registry = second.getBean(UnifiedPluginRegistry.class);
					assertThat(registry.getRegistrationFailures()).isEmpty();
					holder.rollback();
					Await.until("the schema is set up once the lock is gone", startup::isDone);
				}));
			}
		}

	}

	/** The database stops under a running application and comes back. */
	@Nested
	class DatabaseOutage {

		@TempDir
		Path data;

		private EmbeddedPostgres start(int port) throws java.io.IOException {
			return EmbeddedPostgres.builder()
				.setPort(port)
				.setDataDirectory(this.data)
				.setCleanDataDirectory(false)
				.start();
		}

		@Test
		void anApplicationStartsWhileTheDatabaseIsDownAndSetsItUpWhenItIsReached() throws Exception {
			int port;
			try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
				port = free.getLocalPort();
			}
			FileSystemPluginConfigStore files = new FileSystemPluginConfigStore(JdbcStoreConfigurationTests.this.dir);
			files.save("llm_gpt", Map.of("model", "from file"));
			String url = "jdbc:postgresql://localhost:" + port + "/postgres?connectTimeout=2&socketTimeout=10";
			runner(url).withPropertyValues("plugins.jdbc.initialize-schema=always", "plugins.jdbc.import-from-config-dir=true",
					"spring.datasource.username=postgres", "spring.datasource.hikari.connection-timeout=2000",
					"spring.datasource.hikari.initialization-fail-timeout=-1")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					UnifiedPluginRegistry registry = context.getBean(UnifiedPluginRegistry.class);
					assertThat(registry.getCategories()).containsExactly("llm");
					assertThat(registry.getRegistrationFailures()).containsKey("llm");
					try (EmbeddedPostgres server = start(port)) {
						JdbcTemplate jdbc = new JdbcTemplate(server.getPostgresDatabase());
						Await.until("the table is created", () -> jdbc.queryForObject(
								"SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'plugin_config'",
								Integer.class) == 1);
						Await.until("the config dir is imported", () -> jdbc.queryForObject(
								"SELECT COUNT(*) FROM plugin_config WHERE unique_id = 'llm_gpt' AND json IS NOT NULL",
								Integer.class) == 1);
						Await.until("the registry reads the store",
								() -> registry.getRegistrationFailures().isEmpty()
										&& registry.getPlugin("llm_gpt").orElseThrow().configured());
						assertThat(registry.loadPluginConfig("llm_gpt")).containsEntry("model", "from file");
						context.close();
					}
				});
		}

		@Test
		void theApplicationKeepsServingAndRecoversWithoutARestart() throws Exception {
			int port;
			try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
				port = free.getLocalPort();
			}
			EmbeddedPostgres server = start(port);
			String url = "jdbc:postgresql://localhost:" + port + "/postgres?connectTimeout=2&socketTimeout=10";
			try {
				runner(url).withPropertyValues("plugins.jdbc.initialize-schema=always",
						"spring.datasource.username=postgres", "spring.datasource.hikari.connection-timeout=2000",
						"spring.datasource.hikari.initialization-fail-timeout=-1")
					.withConfiguration(AutoConfigurations.of(PluginsEndpointAutoConfiguration.class))
					.withPropertyValues("management.endpoints.web.exposure.include=plugins")
					.run((context) -> {
						UnifiedPluginRegistry registry = context.getBean(UnifiedPluginRegistry.class);
						PluginConfigWatcher watcher = context.getBean(PluginConfigWatcher.class);
						assertThat(registry.savePluginConfig("llm_gpt", Map.of("model", "before"))).isTrue();
						server.close();

						assertThat(registry.savePluginConfig("llm_gpt", Map.of("model", "during"))).isFalse();
						assertThat(registry.getPlugin("llm_gpt").orElseThrow().configured()).as("last known").isTrue();
						dev.unifiedplugins.actuate.PluginsEndpoint endpoint = context
							.getBean(dev.unifiedplugins.actuate.PluginsEndpoint.class);
						dev.unifiedplugins.actuate.PluginsEndpoint.PluginDetailDescriptor detail = endpoint.plugin("llm_gpt",
								org.springframework.boot.actuate.endpoint.SecurityContext.NONE);
						assertThat(detail.plugin().error()).contains("plugin_config");
						// The revision last seen: a client saving this view cannot overwrite "before".
						assertThat(detail.revision()).isNotNull()
							.isEqualTo(registry.getKnownRevision("llm_gpt").orElseThrow());
						Await.until("the watcher sees the outage", () -> watcher.getStoreFailure() != null);

						try (EmbeddedPostgres restarted = start(port)) {
							// Another instance saves while this one has not noticed the restart yet.
							new JdbcPluginConfigStore(restarted.getPostgresDatabase()).save("llm_llama",
									Map.of("model", "meanwhile"));
							Await.until("the store is read again", () -> watcher.getStoreFailure() == null);
							Await.until("the change made meanwhile is seen",
									() -> registry.getPlugin("llm_llama").orElseThrow().configured());
							assertThat(registry.savePluginConfig("llm_gpt", Map.of("model", "after"))).isTrue();
							assertThat(registry.loadPluginConfig("llm_gpt")).containsEntry("model", "after");
							context.close();
						}
					});
			}
			finally {
				server.close();
			}
		}

	}

	/** The application's own DataSource beside the qualified one, as Boot would make it. */
	@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
	static class PluginsDataSourceConfiguration {

		@org.springframework.context.annotation.Bean
		@org.springframework.context.annotation.Primary
		DataSource dataSource() {
			org.h2.jdbcx.JdbcDataSource dataSource = new org.h2.jdbcx.JdbcDataSource();
			dataSource.setURL(h2());
			return dataSource;
		}

		@org.springframework.context.annotation.Bean
		@PluginsDataSource
		DataSource pluginsDataSource() {
			org.h2.jdbcx.JdbcDataSource dataSource = new org.h2.jdbcx.JdbcDataSource();
			dataSource.setURL(h2());
			return dataSource;
		}

	}

	static class Listener {

		final List<PluginConfigChange> events = new CopyOnWriteArrayList<>();

		@EventListener
		void on(PluginConfigChange change) {
			this.events.add(change);
		}

	}

}
