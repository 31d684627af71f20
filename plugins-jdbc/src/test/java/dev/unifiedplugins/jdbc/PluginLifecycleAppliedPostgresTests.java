package dev.unifiedplugins.jdbc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import dev.unifiedplugins.applied.AppliedAwait;
import dev.unifiedplugins.applied.AppliedRevision;
import dev.unifiedplugins.config.ExpectedRevision;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.systems.ConfigurablePlugin;
import dev.unifiedplugins.systems.GreeterConfig;
import dev.unifiedplugins.systems.GreeterPlugin;
import dev.unifiedplugins.systems.PluginDefinition;
import dev.unifiedplugins.systems.PluginInfo;
import dev.unifiedplugins.systems.PluginLifecycle;
import dev.unifiedplugins.systems.PluginSystemManager;
import dev.unifiedplugins.testsupport.Await;
import dev.unifiedplugins.testsupport.PostgresServer;
import dev.unifiedplugins.watch.PluginConfigWatcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;

import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances on one PostgreSQL, each with its registry, lifecycle and
 * {@link JdbcAppliedRevisions}, the plugin loaded on both: a save on one is reloaded by
 * both, and each records what it applied; one that refuses the new configuration records
 * its error and keeps its previous instance; an await after the save sees both.
 */
class PluginLifecycleAppliedPostgresTests {

	private static final String ID = "greeters_polite";

	@RegisterExtension
	static final PostgresServer postgres = new PostgresServer();

	private final List<AutoCloseable> closing = new ArrayList<>();

	@BeforeEach
	void createFreshTables() {
		JdbcTemplate jdbc = new JdbcTemplate(dataSource());
		jdbc.execute("DROP TABLE IF EXISTS plugin_config");
		jdbc.execute("DROP TABLE IF EXISTS plugin_config_applied");
		String location = JdbcPluginConfigStore.SCHEMA_LOCATION.replace("@@platform@@", "postgresql");
		new ResourceDatabasePopulator(new DefaultResourceLoader().getResource(location)).execute(dataSource());
	}

	@AfterEach
	void close() throws Exception {
		for (int i = this.closing.size() - 1; i >= 0; i--) {
			this.closing.get(i).close();
		}
	}

	@Test
	void eachInstanceRecordsWhatItAppliedAndOneThatRefusesTheSaveRecordsItsError() {
		Instance a = start("web-a", "nobody");
		Instance b = start("web-b", "Howdy");
		a.lifecycle.load(ID);
		b.lifecycle.load(ID);
		Await.until("both loads are recorded", () -> a.applied.get(ID).size() == 2);
		assertThat(a.applied.get(ID).values()).extracting(AppliedRevision::revision).containsOnlyNulls();

		String hi = a.registry.savePluginConfig(ID, Map.of("greeting", "Hi"), ExpectedRevision.any());
		AppliedAwait.Awaited applied = AppliedAwait.await(a.applied, ID, hi, Await.BOUND);
		assertThat(applied.awaited()).isTrue();
		assertThat(applied.applied()).containsOnlyKeys("web-a", "web-b");
		assertThat(applied.applied().values()).allSatisfy((entry) -> {
			assertThat(entry.revision()).isEqualTo(hi);
			assertThat(entry.error()).isNull();
		});
		Polite onB = (Polite) b.registry.getPluginInstance(ID).orElseThrow();
		assertThat(onB.greeting).isEqualTo("Hi");

		String howdy = a.registry.savePluginConfig(ID, Map.of("greeting", "Howdy"), ExpectedRevision.any());
		AppliedAwait.Awaited refused = AppliedAwait.await(a.applied, ID, howdy, Await.BOUND);
		assertThat(refused.awaited()).as("a failure counts as done").isTrue();
		assertThat(refused.applied().get("web-a").revision()).isEqualTo(howdy);
		assertThat(refused.applied().get("web-a").error()).isNull();
		assertThat(refused.applied().get("web-b").revision()).isEqualTo(howdy);
		assertThat(refused.applied().get("web-b").error()).contains("web-b refuses Howdy");
		assertThat(b.registry.getPluginInstance(ID)).as("b keeps its previous instance").containsSame(onB);
		assertThat(b.applied.get(ID)).as("b reads the same").isEqualTo(refused.applied());

		b.lifecycle.unload(ID);
		Await.until("b's unload is recorded", () -> a.applied.get(ID).size() == 1);
		assertThat(a.applied.get(ID)).containsOnlyKeys("web-a");
	}

	@Test
	void anAwaitRunsOutWhileAnInstanceHasNotAppliedTheRevision() {
		Instance a = start("web-a", "nobody");
		a.lifecycle.load(ID);
		Await.until("the load is recorded", () -> !a.applied.get(ID).isEmpty());
		String hi = a.registry.savePluginConfig(ID, Map.of("greeting", "Hi"), ExpectedRevision.any());
		assertThat(AppliedAwait.await(a.applied, ID, hi, Await.BOUND).awaited()).isTrue();
		// Another instance that loaded the plugin and stopped following changes.
		JdbcAppliedRevisions stale = applied("web-b");
		stale.record(ID, "0", null);
		Await.until("the other instance is recorded", () -> a.applied.get(ID).size() == 2);
		String hey = a.registry.savePluginConfig(ID, Map.of("greeting", "Hey"), ExpectedRevision.any());
		AppliedAwait.Awaited awaited = AppliedAwait.await(a.applied, ID, hey, Duration.ofMillis(300));
		assertThat(awaited.awaited()).isFalse();
		assertThat(awaited.applied().get("web-b").revision()).isEqualTo("0");
	}

	private Instance start(String name, String refused) {
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(
				new JdbcPluginConfigStore(dataSource(), JdbcPluginConfigStore.DEFAULT_TABLE_NAME, 1 << 20, name));
		registry.registerPluginManager("greeters", new PoliteManager(name, refused));
		JdbcAppliedRevisions applied = applied(name);
		PluginLifecycle lifecycle = new PluginLifecycle(registry, Duration.ofSeconds(5), applied);
		this.closing.add(lifecycle);
		PluginConfigWatcher watcher = new PluginConfigWatcher(registry, Duration.ofSeconds(30));
		watcher.start();
		this.closing.add(watcher);
		return new Instance(registry, lifecycle, applied);
	}

	private JdbcAppliedRevisions applied(String name) {
		JdbcAppliedRevisions applied = new JdbcAppliedRevisions(dataSource(), JdbcPluginConfigStore.DEFAULT_TABLE_NAME,
				name, Duration.ofSeconds(30), Duration.ofSeconds(5));
		this.closing.add(applied);
		return applied;
	}

	private static DataSource dataSource() {
		PGSimpleDataSource dataSource = new PGSimpleDataSource();
		dataSource.setServerNames(new String[] { "localhost" });
		dataSource.setPortNumbers(new int[] { postgres.getPort() });
		dataSource.setDatabaseName("postgres");
		dataSource.setUser("postgres");
		return dataSource;
	}

	private record Instance(UnifiedPluginRegistry registry, PluginLifecycle lifecycle, JdbcAppliedRevisions applied) {
	}

	/** A greeter whose configure refuses one greeting: each instance its own. */
	@PluginInfo(name = "polite")
	public static final class Polite implements GreeterPlugin, ConfigurablePlugin<GreeterConfig> {

		private final String instance;

		private final String refused;

		volatile String greeting;

		Polite(String instance, String refused) {
			this.instance = instance;
			this.refused = refused;
		}

		@Override
		public void configure(GreeterConfig config) {
			if (this.refused.equals(config.greeting())) {
				throw new IllegalArgumentException(this.instance + " refuses " + config.greeting());
			}
			this.greeting = config.greeting();
		}

		@Override
		public String greet(String who) {
			return this.greeting + " " + who;
		}

	}

	/** One plugin system with the polite greeter, made for one instance. */
	private static final class PoliteManager extends PluginSystemManager<GreeterPlugin> {

		private final String instance;

		private final String refused;

		PoliteManager(String instance, String refused) {
			super(GreeterPlugin.class);
			this.instance = instance;
			this.refused = refused;
		}

		@Override
		protected List<Candidate<GreeterPlugin>> findPlugins(Map<String, String> failures) {
			return List.of(new Candidate<>(PluginDefinition.of(Polite.class), () -> new Polite(this.instance, this.refused),
					Polite.class.getName()));
		}

	}

}
