package dev.unifiedplugins.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.unifiedplugins.applied.AppliedAwait;
import dev.unifiedplugins.config.ExpectedRevision;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.jdbc.JdbcAppliedRevisions;
import dev.unifiedplugins.jdbc.JdbcPluginConfigStore;
import dev.unifiedplugins.systems.ConfigurablePlugin;
import dev.unifiedplugins.systems.PluginDefinition;
import dev.unifiedplugins.systems.PluginInfo;
import dev.unifiedplugins.systems.PluginLifecycle;
import dev.unifiedplugins.systems.PluginSystemManager;
import dev.unifiedplugins.watch.PluginConfigWatcher;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/**
 * How long a save takes to be applied everywhere: three instances on one PostgreSQL (each
 * with its pool, registry, {@code LISTEN} watcher, lifecycle and
 * {@link JdbcAppliedRevisions}, at the starter's production settings), the plugin loaded on
 * all; each round one of them (in turn) saves a new configuration and awaits it as a save
 * with {@code "await"} does ({@link AppliedAwait}). Prints p50, p90, p99 and max of the time
 * from the start of the save to {@code awaited: true}, and of the await alone, and how many
 * rounds were not awaited within 10 s. Durable commits ({@code synchronous_commit},
 * {@code fsync} on), as in {@link JdbcSaveBenchmark}.
 * <p>
 * Arguments: the number of saves (default 200).
 */
public final class AppliedAwaitLatency {

	private static final String ID = "bench_tuner";

	private static final Duration AWAIT = Duration.ofSeconds(10);

	private AppliedAwaitLatency() {
	}

	public static void main(String[] args) throws Exception {
		int saves = (args.length > 0) ? Integer.parseInt(args[0]) : 200;
		try (EmbeddedPostgres postgres = Fixtures.durablePostgres()) {
			List<AutoCloseable> closing = new ArrayList<>();
			try {
				List<Instance> instances = new ArrayList<>();
				for (String name : List.of("web-1", "web-2", "web-3")) {
					instances.add(start(postgres, name, closing));
				}
				for (Instance instance : instances) {
					instance.lifecycle.load(ID);
				}
				AppliedAwait.Awaited loaded = AppliedAwait.await(instances.get(0).applied, ID, "none", Duration.ZERO);
				while (loaded.applied() == null || loaded.applied().size() < instances.size()) {
					Thread.sleep(20);
					loaded = AppliedAwait.await(instances.get(0).applied, ID, "none", Duration.ZERO);
				}
				measure(instances, Math.min(20, saves), false);
				measure(instances, saves, true);
			}
			finally {
				for (int i = closing.size() - 1; i >= 0; i--) {
					closing.get(i).close();
				}
			}
		}
	}

	private static void measure(List<Instance> instances, int saves, boolean print) throws InterruptedException {
		List<Double> total = new ArrayList<>();
		List<Double> awaitOnly = new ArrayList<>();
		int notAwaited = 0;
		for (int i = 0; i < saves; i++) {
			Instance saver = instances.get(i % instances.size());
			long started = System.nanoTime();
			String revision = saver.registry.savePluginConfig(ID, Map.of("round", i), ExpectedRevision.any());
			long saved = System.nanoTime();
			AppliedAwait.Awaited awaited = AppliedAwait.await(saver.applied, ID, revision, AWAIT);
			long done = System.nanoTime();
			if (!awaited.awaited()) {
				notAwaited++;
			}
			total.add((done - started) / 1e6);
			awaitOnly.add((done - saved) / 1e6);
			// Saves spread over the heartbeat and poll phases, as real edits are.
			Thread.sleep(37);
		}
		if (print) {
			print("save to awaited: true", total, notAwaited);
			print("await alone", awaitOnly, notAwaited);
		}
	}

	private static void print(String name, List<Double> delays, int notAwaited) {
		Collections.sort(delays);
		System.out.printf("%-22s saves %d  p50 %7.1f ms  p90 %7.1f ms  p99 %7.1f ms  max %7.1f ms  not awaited %d%n",
				name, delays.size(), delays.get(delays.size() / 2), delays.get(delays.size() * 9 / 10),
				delays.get(Math.min(delays.size() - 1, delays.size() * 99 / 100)), delays.get(delays.size() - 1),
				notAwaited);
	}

	private static Instance start(EmbeddedPostgres postgres, String name, List<AutoCloseable> closing) {
		HikariConfig hikari = new HikariConfig();
		// A URL rather than a data source: the LISTEN connection is opened outside the pool, as in production.
		hikari.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
		hikari.setMaximumPoolSize(4);
		HikariDataSource pool = new HikariDataSource(hikari);
		closing.add(pool);
		if (closing.size() == 1) {
			new ResourceDatabasePopulator(new ClassPathResource("dev/unifiedplugins/jdbc/schema-postgresql.sql"))
				.execute(pool);
		}
		JdbcPluginConfigStore store = new JdbcPluginConfigStore(pool, JdbcPluginConfigStore.DEFAULT_TABLE_NAME,
				1 << 20, name);
		store.setPollInterval(Duration.ofSeconds(1));
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(store);
		registry.registerPluginManager("bench", new TunerManager());
		JdbcAppliedRevisions applied = new JdbcAppliedRevisions(pool, JdbcPluginConfigStore.DEFAULT_TABLE_NAME, name,
				JdbcAppliedRevisions.DEFAULT_HEARTBEAT_INTERVAL, JdbcPluginConfigStore.DEFAULT_QUERY_TIMEOUT);
		closing.add(applied);
		PluginLifecycle lifecycle = new PluginLifecycle(registry, Duration.ofSeconds(2), applied);
		closing.add(lifecycle);
		// The starter's watcher on the JDBC store: notices, and a safety re-read every 30 s.
		PluginConfigWatcher watcher = new PluginConfigWatcher(registry, Duration.ofSeconds(30));
		watcher.start();
		closing.add(watcher);
		return new Instance(registry, lifecycle, applied);
	}

	private record Instance(UnifiedPluginRegistry registry, PluginLifecycle lifecycle, JdbcAppliedRevisions applied) {
	}

	/**
	 * The tuner's configuration.
	 *
	 * @param round the round that saved it
	 */
	public record TunerConfig(int round) {
	}

	/** A plugin that takes its configuration. */
	@PluginInfo(name = "tuner")
	public static final class Tuner implements ConfigurablePlugin<TunerConfig> {

		private volatile int round;

		@Override
		public void configure(TunerConfig config) {
			this.round = config.round();
		}

		int round() {
			return this.round;
		}

	}

	/** The plugin system of the tuner. */
	private static final class TunerManager extends PluginSystemManager<Tuner> {

		TunerManager() {
			super(Tuner.class);
		}

		@Override
		protected List<Candidate<Tuner>> findPlugins(Map<String, String> failures) {
			return List.of(new Candidate<>(PluginDefinition.of(Tuner.class), Tuner::new, Tuner.class.getName()));
		}

	}

}
