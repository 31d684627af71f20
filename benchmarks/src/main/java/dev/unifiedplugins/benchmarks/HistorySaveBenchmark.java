package dev.unifiedplugins.benchmarks;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.unifiedplugins.config.ExpectedRevision;
import dev.unifiedplugins.config.FileSystemPluginConfigStore;
import dev.unifiedplugins.config.PluginConfigStore;
import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.jdbc.JdbcPluginConfigStore;
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
 * What the configuration history costs a save: the registry's save of a 1 KB configuration
 * with the default history ({@code plugins.history.size=20}) and without (0), on the same
 * store type side by side: two file stores on one directory, or two JDBC stores on one
 * PostgreSQL (durable commits), one pool and one table; each side saves a plugin of its own.
 * {@code checked} saves expect the revision they last wrote, as the endpoint's saves do.
 * Target: with history at most 1.15 times without. {@link HistorySaveRatio} alternates
 * blocks of the two in one JVM, which a disk's drift hits alike.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HistorySaveBenchmark {

	@Param({ "file", "jdbc" })
	public String store;

	@Param({ "false", "true" })
	public boolean checked;

	private Path dir;

	private EmbeddedPostgres postgres;

	private HikariDataSource pool;

	private Side withHistory;

	private Side withoutHistory;

	@Setup(Level.Trial)
	public void setUp() throws Exception {
		if ("jdbc".equals(this.store)) {
			this.postgres = Fixtures.durablePostgres();
			HikariConfig hikari = new HikariConfig();
			hikari.setDataSource(this.postgres.getPostgresDatabase());
			hikari.setMaximumPoolSize(4);
			this.pool = new HikariDataSource(hikari);
			new ResourceDatabasePopulator(new ClassPathResource("dev/unifiedplugins/jdbc/schema-postgresql.sql"))
				.execute(this.pool);
			JdbcPluginConfigStore on = new JdbcPluginConfigStore(this.pool);
			JdbcPluginConfigStore off = new JdbcPluginConfigStore(this.pool);
			off.setHistorySize(0);
			this.withHistory = new Side(on, "history", this.checked);
			this.withoutHistory = new Side(off, "none", this.checked);
		}
		else {
			// One directory, as one table: where each side's files lie on the disk weighs more
			// than the history does (two directories gave either side the lead, run by run).
			this.dir = Fixtures.tempDir("bench-history");
			FileSystemPluginConfigStore on = new FileSystemPluginConfigStore(this.dir);
			FileSystemPluginConfigStore off = new FileSystemPluginConfigStore(this.dir);
			off.setHistorySize(0);
			this.withHistory = new Side(on, "history", this.checked);
			this.withoutHistory = new Side(off, "none", this.checked);
		}
		// A full history, pruned at every save, as in a long-running application.
		for (int i = 0; i < 30; i++) {
			withHistory();
			withoutHistory();
		}
	}

	@TearDown(Level.Trial)
	public void tearDown() throws Exception {
		if (this.pool != null) {
			this.pool.close();
			this.postgres.close();
		}
		if (this.dir != null) {
			Fixtures.deleteRecursively(this.dir);
		}
	}

	/** The registry's save with the default history. */
	@Benchmark
	public String withHistory() {
		return this.withHistory.save();
	}

	/** The same save with {@code plugins.history.size=0}. */
	@Benchmark
	public String withoutHistory() {
		return this.withoutHistory.save();
	}

	/** One plugin saved again and again through a registry of its own. */
	private static final class Side {

		private final UnifiedPluginRegistry registry;

		private final String uniqueId;

		private final boolean checked;

		private final Map<String, Object> config = ConfigStoreBenchmark.config();

		private long round;

		private ExpectedRevision expected = ExpectedRevision.any();

		Side(PluginConfigStore store, String name, boolean checked) {
			this.registry = new UnifiedPluginRegistry(store);
			this.registry.registerPluginManager("bench", () -> List.of(PluginDescriptor.builder(name).build()));
			this.uniqueId = "bench_" + name;
			this.checked = checked;
		}

		String save() {
			this.config.put("round", this.round++);
			String revision = this.registry.savePluginConfig(this.uniqueId, this.config, this.expected);
			if (this.checked) {
				this.expected = ExpectedRevision.of(revision);
			}
			return revision;
		}

	}

}
