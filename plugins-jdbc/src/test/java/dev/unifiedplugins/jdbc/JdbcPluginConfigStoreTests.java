package dev.unifiedplugins.jdbc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.unifiedplugins.config.ExpectedRevision;
import dev.unifiedplugins.config.FileSystemPluginConfigStore;
import dev.unifiedplugins.config.PluginConfigBusyException;
import dev.unifiedplugins.config.PluginConfigWriteOutcomeUnknownException;
import dev.unifiedplugins.config.StoredPluginConfig;
import dev.unifiedplugins.testsupport.Await;
import dev.unifiedplugins.testsupport.PostgresFreezer;
import dev.unifiedplugins.testsupport.PostgresServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * {@link JdbcPluginConfigStore} on a real PostgreSQL 14: the shared behaviour, and what
 * only PostgreSQL has: change notices, and a schema script that several instances run at
 * once.
 */
class JdbcPluginConfigStoreTests extends AbstractJdbcPluginConfigStoreTests {

	private static final String WATCH_THREAD = "plugin-config-watch-plugin_config";

	@RegisterExtension
	static final PostgresServer postgres = new PostgresServer();

	/** A plain (unpooled) data source, failing fast when the server is down. */
	private static DataSource dataSource(int port, String applicationName) {
		PGSimpleDataSource dataSource = new PGSimpleDataSource();
		dataSource.setServerNames(new String[] { "localhost" });
		dataSource.setPortNumbers(new int[] { port });
		dataSource.setDatabaseName("postgres");
		dataSource.setUser("postgres");
		dataSource.setApplicationName(applicationName);
		dataSource.setConnectTimeout(2);
		dataSource.setLoginTimeout(2);
		dataSource.setSocketTimeout(10);
		return dataSource;
	}

	@Override
	protected DataSource dataSource() {
		return dataSource(postgres.getPort(), "instance-a");
	}

	@Override
	protected DataSource otherDataSource() {
		return dataSource(postgres.getPort(), "instance-b");
	}

	@Override
	protected String platform() {
		return "postgresql";
	}

	@Test
	void schemaScriptRunsFromSeveralInstancesAtOnce() throws Exception {
		// Without its lock, CREATE TABLE IF NOT EXISTS fails here in most rounds.
		ExecutorService executor = executor(4);
		for (int round = 0; round < 25; round++) {
			jdbc().execute("DROP TABLE plugin_config, plugin_config_history, plugin_config_cloud_instances,"
					+ " plugin_config_cloud_resources, plugin_config_cloud_lock");
			CyclicBarrier barrier = new CyclicBarrier(4);
			List<Future<?>> runs = new ArrayList<>();
			for (int instance = 0; instance < 4; instance++) {
				DataSource dataSource = (instance % 2 == 0) ? dataSource() : otherDataSource();
				runs.add(executor.submit(() -> {
					barrier.await(10, TimeUnit.SECONDS);
					runSchemaScript(dataSource);
					return null;
				}));
			}
			for (Future<?> run : runs) {
				run.get(30, TimeUnit.SECONDS);
			}
		}
		JdbcPluginConfigStore store = new JdbcPluginConfigStore(dataSource());
		store.save("llm_a", Map.of());
		assertThat(store.ids()).containsExactly("llm_a");
	}

	@Test
	void theSchemaScriptNeitherWaitsForNorHoldsUpTransactionsOnItsTables() throws Exception {
		// Another instance (or a person in psql) in the middle of a transaction that wrote to
		// every table: the script, which every start may run, goes through all the same.
		try (Connection holder = otherDataSource().getConnection()) {
			holder.setAutoCommit(false);
			try (Statement write = holder.createStatement()) {
				write.execute("INSERT INTO plugin_config (unique_id, json, revision, updated_at, updated_by)"
						+ " VALUES ('llm_held', '{}', 1, CURRENT_TIMESTAMP, 'b')");
				write.execute("INSERT INTO plugin_config_history (unique_id, revision, json, written_at, written_by)"
						+ " VALUES ('llm_held', 1, '{}', CURRENT_TIMESTAMP, 'b')");
				write.execute("INSERT INTO plugin_config_applied (unique_id, instance_name, revision, applied_at,"
						+ " heartbeat_at) VALUES ('llm_held', 'b', '1', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
				write.execute("INSERT INTO plugin_config_cloud_instances (instance_name, heartbeat_at)"
						+ " VALUES ('b', CURRENT_TIMESTAMP)");
				write.execute("INSERT INTO plugin_config_cloud_resources (instance_name, unique_id, hourly_usd)"
						+ " VALUES ('b', 'llm_held', 1.0)");
				write.execute("INSERT INTO plugin_config_cloud_lock (name) VALUES ('held')");
			}
			CompletableFuture<Void> script = CompletableFuture.runAsync(() -> runSchemaScript(dataSource()));
			try {
				// Bounded only to keep a broken test from hanging: it waits for nothing.
				script.get(30, TimeUnit.SECONDS);
				// And it left no lock behind that the holder's next write would wait for.
				try (Statement write = holder.createStatement()) {
					write.execute("SET LOCAL lock_timeout = '5s'");
					write.execute("UPDATE plugin_config_cloud_instances SET heartbeat_at = CURRENT_TIMESTAMP");
				}
			}
			finally {
				holder.rollback();
				script.get(30, TimeUnit.SECONDS);
			}
		}
	}

	@Test
	void theSchemaScriptGivesUpOnATableLockedWholeAfterItsLockTimeout() throws Exception {
		try (Connection holder = otherDataSource().getConnection()) {
			holder.setAutoCommit(false);
			try (Statement lock = holder.createStatement()) {
				lock.execute("LOCK TABLE plugin_config_history IN EXCLUSIVE MODE");
			}
			CompletableFuture<Throwable> script = CompletableFuture
				.supplyAsync(() -> catchThrowable(() -> runSchemaScript(dataSource())));
			try {
				Throwable failure = script.get(30, TimeUnit.SECONDS);
				assertThat(failure).as("the script's failure").isNotNull();
				assertThat(JdbcErrors.isLockTimeout((Exception) failure)).as("a lock timeout: %s", failure).isTrue();
			}
			finally {
				holder.rollback();
			}
		}
		runSchemaScript(dataSource());
	}

	@Test
	void aRowTheDatabaseRefusesIsNotQuotedInTheError() {
		// A user's own constraint: PostgreSQL's message then quotes the failing row.
		jdbc().execute("ALTER TABLE plugin_config ADD CONSTRAINT short_json CHECK (length(json) < 40)");
		try {
			JdbcPluginConfigStore store = new JdbcPluginConfigStore(dataSource());
			Throwable failure = catchThrowable(
					() -> store.save("llm_a", Map.of("api_key", "sk-SECRET-VALUE-0123456789abcdef")));
			assertThat(failure).isInstanceOf(UncheckedIOException.class).hasMessageContaining("llm_a")
				.hasMessageContaining("SQLState 23514");
			for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
				assertThat(cause.getMessage()).doesNotContain("SECRET");
			}
			assertThat(store.exists("llm_a")).isFalse();
		}
		finally {
			jdbc().execute("ALTER TABLE plugin_config DROP CONSTRAINT short_json");
		}
	}

	@Test
	void readsAndWritesFailAfterTheQueryTimeoutWhenTheTableIsLockedWhole() throws Exception {
		JdbcPluginConfigStore store = new JdbcPluginConfigStore(dataSource(), "plugin_config",
				FileSystemPluginConfigStore.DEFAULT_MAX_CONFIG_SIZE, "a", Duration.ofSeconds(1), Duration.ofSeconds(1));
		store.save("llm_a", Map.of("v", 1));
		try (Connection holder = otherDataSource().getConnection()) {
			holder.setAutoCommit(false);
			try (Statement lock = holder.createStatement()) {
				lock.execute("LOCK TABLE plugin_config IN ACCESS EXCLUSIVE MODE");
			}
			assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
				long started = System.nanoTime();
				assertThatExceptionOfType(UncheckedIOException.class).isThrownBy(() -> store.load("llm_a"))
					.withMessageStartingWith("Cannot read the configuration of plugin 'llm_a' in table plugin_config: ");
				assertThatExceptionOfType(UncheckedIOException.class).isThrownBy(store::revisions);
				// Both waited for the query timeout, not for the lock to go.
				assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
				// A write's wait for the table is the lock timeout's.
				assertThatExceptionOfType(PluginConfigBusyException.class)
					.isThrownBy(() -> store.save("llm_a", Map.of("v", 2)));
			});
			holder.rollback();
		}
		assertThat(store.loadStored("llm_a")).contains(new StoredPluginConfig(Map.of("v", 1), "1"));
	}

	@Test
	void writesByAnotherInstanceAreReportedToTheWatcher() throws Exception {
		JdbcPluginConfigStore watched = new JdbcPluginConfigStore(dataSource());
		JdbcPluginConfigStore other = new JdbcPluginConfigStore(otherDataSource());
		Semaphore calls = new Semaphore(0);
		try (AutoCloseable watch = watched.watch(calls::release)) {
			assertThat(calls.tryAcquire(10, TimeUnit.SECONDS)).as("called once listening").isTrue();
			assertThat(calls.availablePermits()).isZero();
			other.save("llm_a", Map.of("v", 1));
			// Reported within 1 s; the bound here only keeps a broken test from hanging.
			assertThat(calls.tryAcquire(10, TimeUnit.SECONDS)).as("called for a save").isTrue();
			other.save("llm_a", Map.of("v", 2), ExpectedRevision.of("1"));
			assertThat(calls.tryAcquire(10, TimeUnit.SECONDS)).as("called for a checked save").isTrue();
			other.delete("llm_a");
			assertThat(calls.tryAcquire(10, TimeUnit.SECONDS)).as("called for a delete").isTrue();
			// And for a hand edit that sends its notice.
			jdbc().execute("NOTIFY plugin_config_changed");
			assertThat(calls.tryAcquire(10, TimeUnit.SECONDS)).as("called for a NOTIFY").isTrue();
		}
	}

	@Test
	void closingTheWatchStopsItsThreadAndClosesItsConnection() throws Exception {
		JdbcPluginConfigStore watched = new JdbcPluginConfigStore(dataSource(postgres.getPort(), "watcher"));
		Semaphore calls = new Semaphore(0);
		AutoCloseable watch = watched.watch(calls::release);
		assertThat(calls.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
		assertThat(watcherSessions()).isOne();
		Thread thread = Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((candidate) -> candidate.getName().equals(WATCH_THREAD))
			.findFirst()
			.orElseThrow();
		assertThat(thread.isDaemon()).isTrue();
		watch.close();
		assertThat(thread.isAlive()).as("stopped when close returns").isFalse();
		Await.until("the listening session has ended", () -> watcherSessions() == 0);
		watch.close();
		new JdbcPluginConfigStore(otherDataSource()).save("llm_a", Map.of());
		assertThat(calls.tryAcquire(1, TimeUnit.SECONDS)).as("no call after close").isFalse();
	}

	private int watcherSessions() {
		return jdbc().queryForObject("SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = 'watcher'",
				Integer.class);
	}

	@Test
	void watchSurvivesADatabaseRestartAndWritesFailClearlyWhileItIsDown(@TempDir Path dataDirectory)
			throws Exception {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		EmbeddedPostgres server = startServer(port, dataDirectory);
		try {
			runSchemaScript(dataSource(port, "setup"));
			JdbcPluginConfigStore watched = new JdbcPluginConfigStore(dataSource(port, "a"));
			JdbcPluginConfigStore other = new JdbcPluginConfigStore(dataSource(port, "b"));
			watched.save("llm_kept", Map.of("v", 1));
			Semaphore calls = new Semaphore(0);
			try (AutoCloseable watch = watched.watch(calls::release)) {
				assertThat(calls.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
				server.close();
				assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
					assertThatExceptionOfType(UncheckedIOException.class)
						.isThrownBy(() -> other.save("llm_a", Map.of("api_key", "sk-live-12345")))
						.withMessageStartingWith(
								"Cannot save the configuration of plugin 'llm_a' in table plugin_config: ")
						.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain("sk-live"));
					assertThatExceptionOfType(UncheckedIOException.class)
						.isThrownBy(() -> other.save("llm_a", Map.of(), ExpectedRevision.of("1")))
						.withMessageContaining("table plugin_config");
					assertThatExceptionOfType(UncheckedIOException.class).isThrownBy(() -> watched.load("llm_kept"))
						.withMessageStartingWith(
								"Cannot read the configuration of plugin 'llm_kept' in table plugin_config: ");
					assertThatExceptionOfType(UncheckedIOException.class).isThrownBy(watched::revisions);
				});
				// Nothing can be reported while the server is down: the next call is the
				// watcher's, once it is back and listening again.
				calls.drainPermits();
				server = startServer(port, dataDirectory);
				assertThat(calls.tryAcquire(20, TimeUnit.SECONDS)).as("called after reconnecting").isTrue();
				other.save("llm_a", Map.of("v", 2));
				assertThat(calls.tryAcquire(10, TimeUnit.SECONDS)).as("called for a save after the restart").isTrue();
				assertThat(watched.loadStored("llm_kept")).contains(new StoredPluginConfig(Map.of("v", 1), "1"));
			}
		}
		finally {
			server.close();
		}
	}

	@Test
	void aDatabaseDownBehindAPoolFailsWritesWithinTheQueryTimeoutNotThePoolsWait(@TempDir Path dataDirectory)
			throws Exception {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		EmbeddedPostgres server = startServer(port, dataDirectory);
		HikariConfig config = new HikariConfig();
		config.setDataSource(dataSource(port, "pooled"));
		config.setMaximumPoolSize(2);
		config.setConnectionTimeout(Duration.ofMinutes(2).toMillis()); // a pool that would wait long
		try (HikariDataSource pool = new HikariDataSource(config)) {
			runSchemaScript(pool);
			JdbcPluginConfigStore store = new JdbcPluginConfigStore(pool, JdbcPluginConfigStore.DEFAULT_TABLE_NAME,
					FileSystemPluginConfigStore.DEFAULT_MAX_CONFIG_SIZE, "pooled", Duration.ofSeconds(1),
					Duration.ofSeconds(1));
			store.save("llm_a", Map.of("v", 1));
			server.close();
			// Well under the pool's two minutes: the wait for a connection is the store's query timeout.
			Throwable failure = CompletableFuture.supplyAsync(() -> catchThrowable(() -> store.save("llm_a", Map.of("v", 2))))
				.get(30, TimeUnit.SECONDS);
			assertThat(failure).isInstanceOf(UncheckedIOException.class)
				.hasMessageStartingWith("Cannot save the configuration of plugin 'llm_a' in table plugin_config: ");
			Throwable read = CompletableFuture.supplyAsync(() -> catchThrowable(store::revisions))
				.get(30, TimeUnit.SECONDS);
			assertThat(read).isInstanceOf(UncheckedIOException.class);
			server = startServer(port, dataDirectory);
			// The pool replaces its dead connections; the failed save wrote nothing.
			Await.until("the store reads again", () -> catchThrowable(() -> store.revisions()) == null);
			assertThat(store.loadStored("llm_a")).contains(new StoredPluginConfig(Map.of("v", 1), "1"));
		}
		finally {
			server.close();
		}
	}

	@Test
	@DisabledOnOs(value = OS.WINDOWS, disabledReason = "stops the server's processes with kill -STOP")
	void aDatabaseThatStopsAnsweringFailsEachCallBehindAPoolWithinItsBound(@TempDir Path dataDirectory)
			throws Exception {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		EmbeddedPostgres server = startServer(port, dataDirectory);
		PostgresFreezer freezer = null;
		HikariConfig config = new HikariConfig();
		// As Spring Boot makes it: a URL without socketTimeout, so nothing but the store bounds a read.
		config.setJdbcUrl("jdbc:postgresql://localhost:" + port + "/postgres");
		config.setUsername("postgres");
		config.setMaximumPoolSize(1);
		config.setValidationTimeout(1000);
		try (HikariDataSource pool = new HikariDataSource(config)) {
			runSchemaScript(pool);
			Duration timeout = Duration.ofSeconds(1);
			JdbcPluginConfigStore store = new JdbcPluginConfigStore(pool, JdbcPluginConfigStore.DEFAULT_TABLE_NAME,
					FileSystemPluginConfigStore.DEFAULT_MAX_CONFIG_SIZE, "frozen", timeout, timeout);
			JdbcCloudCostFleet fleet = new JdbcCloudCostFleet(pool, JdbcPluginConfigStore.DEFAULT_TABLE_NAME, "frozen",
					Duration.ofMinutes(1), timeout);
			store.save("llm_a", Map.of("v", 1));
			fleet.heartbeat(Map.of(), (resources) -> List.of());
			try (Connection connection = pool.getConnection()) {
				assertThat(connection.getNetworkTimeout()).as("the pool's connection as the application gets it").isZero();
			}
			try (JdbcAppliedRevisions applied = new JdbcAppliedRevisions(pool, JdbcPluginConfigStore.DEFAULT_TABLE_NAME,
					"frozen", Duration.ofMinutes(1), timeout)) {
				// The server stops answering (a hung host, a network that drops every packet):
				// connections stay open, and nothing comes back on them.
				freezer = new PostgresFreezer(pool);
				freezer.freeze();
				// Each call fails; none waits for the server to answer again.
				assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
					// A write on the open connection may have reached its commit, which the server
					// does not bound: its outcome is unknown, and it says so.
					assertThatExceptionOfType(PluginConfigWriteOutcomeUnknownException.class)
						.isThrownBy(() -> store.save("llm_a", Map.of("v", 2)))
						.withMessageStartingWith("Cannot save the configuration of plugin 'llm_a' in table plugin_config:"
								+ " the database did not answer within the connection's network timeout (3000 ms")
						.withMessageEndingWith("; whether it was written is unknown: read it again");
					// Without a connection, nothing was sent: a plain failure.
					assertThatExceptionOfType(UncheckedIOException.class)
						.isThrownBy(() -> store.save("llm_a", Map.of("v", 3)))
						.isNotInstanceOf(PluginConfigWriteOutcomeUnknownException.class);
					assertThatExceptionOfType(UncheckedIOException.class).isThrownBy(() -> store.load("llm_a"))
						.withMessageStartingWith("Cannot read the configuration of plugin 'llm_a' in table plugin_config: ");
					assertThatExceptionOfType(UncheckedIOException.class).isThrownBy(store::revisions);
					assertThatExceptionOfType(UncheckedIOException.class)
						.isThrownBy(() -> fleet.heartbeat(Map.of(), (resources) -> List.of()));
					assertThatExceptionOfType(UncheckedIOException.class).isThrownBy(() -> applied.get("llm_a"));
				});
				freezer.thaw();
				Await.until("the store reads again", () -> catchThrowable(store::revisions) == null);
				// Why "unknown": the server, back, may still run what it had been sent (here it
				// commits the save of v=2 that was reported as failed); the save of v=3 never was.
				assertThat(store.loadStored("llm_a").orElseThrow()).isIn(new StoredPluginConfig(Map.of("v", 1), "1"),
						new StoredPluginConfig(Map.of("v", 2), "2"));
			}
		}
		finally {
			if (freezer != null) {
				freezer.thaw();
			}
			server.close();
		}
	}

	private static EmbeddedPostgres startServer(int port, Path dataDirectory) throws IOException {
		return EmbeddedPostgres.builder()
			.setPort(port)
			.setDataDirectory(dataDirectory)
			.setCleanDataDirectory(false)
			.start();
	}

}
