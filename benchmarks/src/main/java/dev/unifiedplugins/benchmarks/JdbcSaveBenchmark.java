package dev.unifiedplugins.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.unifiedplugins.config.ConfigJson;
import dev.unifiedplugins.config.FileSystemPluginConfigStore;
import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.jdbc.JdbcPluginConfigStore;
import dev.unifiedplugins.watch.PluginConfigWatcher;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/**
 * A save through the registry on the JDBC store, as an application with the change watcher
 * running does it (PostgreSQL, {@code LISTEN} working, {@code plugins} configurations
 * stored), against its floor: a bare {@code INSERT ... ON CONFLICT} of the same JSON text
 * with an auto-commit, on the same pool, with durable commits. Target: at most 1.25x the
 * floor.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class JdbcSaveBenchmark {

	private static final String ID = "bench_p0";

	private static final String UPSERT = "INSERT INTO plugin_config (unique_id, json, revision, updated_at, updated_by)"
			+ " VALUES (?, ?, 1, now(), 'bench') ON CONFLICT (unique_id) DO UPDATE SET json = excluded.json,"
			+ " revision = plugin_config.revision + 1, updated_at = excluded.updated_at, updated_by = excluded.updated_by";

	private static final String UPSERT_NOTIFY = "WITH w AS (" + UPSERT
			+ " RETURNING revision) SELECT revision, pg_notify('bench_channel', 'x') FROM w";

	private static final String BOUNDED = "SELECT set_config('lock_timeout', '10000ms', true),"
			+ " set_config('statement_timeout', '15000ms', true); ";

	@Param("1000")
	public int plugins;

	/** Whether this instance's watcher listens, as in an application: its own notices come back to it. */
	@Param("true")
	public boolean watching;

	private EmbeddedPostgres postgres;

	private HikariDataSource pool;

	private UnifiedPluginRegistry registry;

	private PluginConfigWatcher watcher;

	private JdbcPluginConfigStore store;

	private Map<String, Object> config;

	private String text;

	private long round;

	@Setup(Level.Trial)
	public void setUp() throws Exception {
		this.postgres = Fixtures.durablePostgres();
		HikariConfig hikari = new HikariConfig();
		hikari.setDataSource(this.postgres.getPostgresDatabase());
		hikari.setMaximumPoolSize(4);
		this.pool = new HikariDataSource(hikari);
		createTable();
		this.store = new JdbcPluginConfigStore(this.pool);
		this.registry = new UnifiedPluginRegistry(this.store);
		List<PluginDescriptor> descriptors = new ArrayList<>();
		for (int i = 0; i < this.plugins; i++) {
			descriptors.add(PluginDescriptor.builder("p" + i).build());
		}
		this.registry.registerPluginManager("bench", () -> descriptors);
		this.config = new LinkedHashMap<>();
		this.config.put("model", "large-v3");
		this.config.put("device", "cuda");
		this.config.put("beam_size", 5);
		this.config.put("language", "en");
		for (int i = 0; i < this.plugins; i++) {
			this.registry.savePluginConfig("bench_p" + i, this.config);
		}
		this.text = new String(ConfigJson.write(ID, this.config, FileSystemPluginConfigStore.DEFAULT_MAX_CONFIG_SIZE),
				java.nio.charset.StandardCharsets.UTF_8);
		this.watcher = new PluginConfigWatcher(this.registry, Duration.ofSeconds(1));
		if (this.watching) {
			this.watcher.start();
		}
	}

	@TearDown(Level.Trial)
	public void tearDown() throws Exception {
		this.watcher.close();
		this.pool.close();
		this.postgres.close();
	}

	/** What an application does: the registry's save, with its own notification coming back. */
	@Benchmark
	public String registrySave() {
		this.config.put("round", this.round++);
		return this.registry.savePluginConfig(ID, this.config,
				dev.unifiedplugins.config.ExpectedRevision.any());
	}

	/** The store's save alone, without the registry: where the registry's share shows. */
	@Benchmark
	public String storeSave() {
		this.config.put("round", this.round++);
		return this.store.save(ID, this.config, dev.unifiedplugins.config.ExpectedRevision.any());
	}

	/** The floor: one upsert of the same text, committed by the driver's auto-commit. */
	@Benchmark
	public int floorUpsert() throws Exception {
		return upsert(UPSERT, true);
	}

	/** Diagnostic: the floor's upsert with the notice a save must send, in the same statement. */
	@Benchmark
	public int floorUpsertNotify() throws Exception {
		return upsert(UPSERT_NOTIFY, true);
	}

	/** Diagnostic: the floor's upsert in a transaction of its own: BEGIN, upsert, COMMIT. */
	@Benchmark
	public int floorUpsertTransaction() throws Exception {
		return upsert(UPSERT, false);
	}

	/** Diagnostic: the upsert with its notice and bounded waits in one message, in a transaction. */
	@Benchmark
	public int floorBoundedNotifyTransaction() throws Exception {
		return upsert(BOUNDED + UPSERT_NOTIFY, false);
	}

	/** Diagnostic: the same one message, auto-committed: PostgreSQL runs it as one implicit transaction. */
	@Benchmark
	public int floorBoundedNotifyImplicit() throws Exception {
		return upsert(BOUNDED + UPSERT_NOTIFY, true);
	}

	/** Runs one of the hand-written upserts of the same text, auto-committed or in a transaction. */
	private int upsert(String sql, boolean autoCommit) throws Exception {
		try (Connection connection = this.pool.getConnection();
				PreparedStatement upsert = connection.prepareStatement(sql)) {
			connection.setAutoCommit(autoCommit);
			try {
				upsert.setString(1, "bench_floor");
				upsert.setString(2, this.text);
				upsert.execute();
				if (!autoCommit) {
					connection.commit();
				}
				return 1;
			}
			finally {
				connection.setAutoCommit(true);
			}
		}
	}

	/** Checks that one auto-committed message is one transaction: a failing second statement undoes the first. */
	public static void main(String[] args) throws Exception {
		try (EmbeddedPostgres postgres = EmbeddedPostgres.start();
				Connection connection = postgres.getPostgresDatabase().getConnection()) {
			connection.createStatement().execute("CREATE TABLE t (v TEXT)");
			try (PreparedStatement both = connection.prepareStatement("INSERT INTO t VALUES (?); SELECT 1/0")) {
				both.setString(1, "x");
				both.execute();
				while (both.getMoreResults() || both.getUpdateCount() != -1) {
				}
			}
			catch (java.sql.SQLException ex) {
				System.out.println("failed as expected: " + ex.getMessage());
			}
			var rs = connection.createStatement().executeQuery("SELECT count(*) FROM t");
			rs.next();
			System.out.println("rows after the failed message: " + rs.getLong(1));
		}
	}

	private void createTable() {
		new ResourceDatabasePopulator(new ClassPathResource("dev/unifiedplugins/jdbc/schema-postgresql.sql"))
			.execute(this.pool);
	}

}
