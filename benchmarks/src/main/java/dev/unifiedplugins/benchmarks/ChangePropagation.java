package dev.unifiedplugins.benchmarks;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import javax.sql.DataSource;

import dev.unifiedplugins.config.FileSystemPluginConfigStore;
import dev.unifiedplugins.config.PluginConfigStore;
import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.jdbc.JdbcPluginConfigStore;
import dev.unifiedplugins.watch.PluginConfigWatcher;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.h2.jdbcx.JdbcDataSource;

/**
 * How long a configuration saved by one instance takes to reach another instance's
 * registry (its listener and {@code configured} flag), with the production watcher
 * settings: PostgreSQL (LISTEN/NOTIFY, 1 s poll as safety net), H2 (polling every 1 s),
 * and the file store (file system events, 1 s rescan). Two registries in one JVM, each
 * on its own store object (its own connection pool or directory handle), as two
 * instances would have. Prints p50, p90, p99 and max of the delays.
 * <p>
 * Arguments: the number of saves per store (default 100).
 */
public final class ChangePropagation {

	private static final Duration INTERVAL = Duration.ofSeconds(1);

	private ChangePropagation() {
	}

	public static void main(String[] args) throws Exception {
		int saves = (args.length > 0) ? Integer.parseInt(args[0]) : 100;
		try (EmbeddedPostgres postgres = EmbeddedPostgres.start()) {
			createTable(postgres.getPostgresDatabase(), "postgresql");
			measure("PostgreSQL, LISTEN/NOTIFY", saves,
					() -> new JdbcPluginConfigStore(postgres.getPostgresDatabase()));
		}
		String h2 = "jdbc:h2:mem:propagation;DB_CLOSE_DELAY=-1";
		createTable(h2(h2), "h2");
		measure("H2, polling every 1 s", saves, () -> new JdbcPluginConfigStore(h2(h2)));
		Path dir = Fixtures.tempDir("bench-propagation");
		try {
			measure("files, WatchService", saves, () -> new FileSystemPluginConfigStore(dir));
		}
		finally {
			Fixtures.deleteRecursively(dir);
		}
	}

	private static void measure(String name, int saves, Supplier<PluginConfigStore> stores) throws Exception {
		UnifiedPluginRegistry writer = registry(stores.get());
		UnifiedPluginRegistry reader = registry(stores.get());
		Map<String, Long> seen = new ConcurrentHashMap<>();
		reader.addChangeListener((change) -> {
			if (change.external() && change.revision() != null) {
				seen.putIfAbsent(change.revision(), System.nanoTime());
			}
		});
		List<Double> delays = new ArrayList<>();
		try (PluginConfigWatcher watcher = new PluginConfigWatcher(reader, INTERVAL)) {
			watcher.start();
			Thread.sleep(500); // the watch is listening
			for (int i = 0; i < saves; i++) {
				long saved = System.nanoTime();
				String revision = writer.savePluginConfig("bench_p", Map.of("round", i),
						dev.unifiedplugins.config.ExpectedRevision.any());
				long deadline = saved + Duration.ofSeconds(5).toNanos();
				while (!seen.containsKey(revision) && System.nanoTime() < deadline) {
					Thread.sleep(0, 200_000);
				}
				Long at = seen.get(revision);
				delays.add((at != null) ? (at - saved) / 1e6 : Double.POSITIVE_INFINITY);
				// Saves spread over the poll phase, as real edits are.
				Thread.sleep(37);
			}
		}
		Collections.sort(delays);
		System.out.printf("%-28s saves %d  p50 %8.1f ms  p90 %8.1f ms  p99 %8.1f ms  max %8.1f ms%n", name, saves,
				delays.get(delays.size() / 2), delays.get(delays.size() * 9 / 10),
				delays.get(Math.min(delays.size() - 1, delays.size() * 99 / 100)), delays.get(delays.size() - 1));
	}

	private static UnifiedPluginRegistry registry(PluginConfigStore store) {
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(store);
		registry.registerPluginManager("bench", () -> List.of(PluginDescriptor.builder("p").build()));
		return registry;
	}

	private static DataSource h2(String url) {
		JdbcDataSource dataSource = new JdbcDataSource();
		dataSource.setURL(url);
		return dataSource;
	}

	private static void createTable(DataSource dataSource, String platform) throws Exception {
		String script = new String(JdbcPluginConfigStore.class
			.getResourceAsStream("/dev/unifiedplugins/jdbc/schema-" + platform + ".sql")
			.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
		// Each script is one statement.
		String sql = script.lines().filter((line) -> !line.trim().startsWith("--")).reduce("", (a, b) -> a + "\n" + b)
			.trim();
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute(sql.endsWith(";") ? sql.substring(0, sql.length() - 1) : sql);
		}
	}

}
