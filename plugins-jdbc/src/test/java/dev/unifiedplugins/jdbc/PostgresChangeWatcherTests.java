package dev.unifiedplugins.jdbc;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.unifiedplugins.config.ExpectedRevision;
import dev.unifiedplugins.config.FileSystemPluginConfigStore;
import dev.unifiedplugins.config.PluginConfigChange;
import dev.unifiedplugins.config.PluginConfigWriteOutcomeUnknownException;
import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.core.PluginManager;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.testsupport.Await;
import dev.unifiedplugins.testsupport.PostgresFreezer;
import dev.unifiedplugins.testsupport.PostgresServer;
import dev.unifiedplugins.testsupport.StallingProxy;
import dev.unifiedplugins.watch.PluginConfigWatcher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link JdbcPluginConfigStore#watch} on a real PostgreSQL: {@code LISTEN} on a connection
 * of its own, what an idle instance sends the database, and its own writes.
 */
class PostgresChangeWatcherTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(1);

	private static final String REVISIONS_QUERY = "SELECT unique_id, revision FROM plugin_config";

	@RegisterExtension
	static final PostgresServer postgres = new PostgresServer();

	@BeforeEach
	void createFreshTable() {
		DataSource dataSource = postgres.get().getPostgresDatabase();
		new JdbcTemplate(dataSource).execute("DROP TABLE IF EXISTS plugin_config");
		new ResourceDatabasePopulator(new DefaultResourceLoader()
			.getResource(JdbcPluginConfigStore.SCHEMA_LOCATION.replace("@@platform@@", "postgresql")))
			.execute(dataSource);
	}

	@Test
	void anIdleInstanceWhoseListenWorksSendsAtMostTheSafetyQuery() throws Exception {
		List<String> sent = new CopyOnWriteArrayList<>();
		JdbcPluginConfigStore store = new JdbcPluginConfigStore(new CountingDataSource(postgres.get().getPostgresDatabase(), sent));
		store.setPollInterval(Duration.ofMillis(100));
		DataSource listenSource = new CountingDataSource(postgres.get().getPostgresDatabase(), sent);
		store.setListenConnectionSupplier(listenSource::getConnection);
		for (int i = 0; i < 200; i++) {
			store.save("llm_p" + i, Map.of("v", i));
		}
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(store);
		registry.registerPluginManager("llm", manager());
		try (PluginConfigWatcher watcher = new PluginConfigWatcher(registry, JdbcPluginConfigStore.SAFETY_REREAD_INTERVAL)) {
			watcher.start();
			Await.until("listening", () -> sent.stream().anyMatch((sql) -> sql.startsWith("LISTEN")));
			Await.until("the re-read after connecting", () -> sent.stream().anyMatch((sql) -> sql.startsWith(REVISIONS_QUERY)));
			Thread.sleep(300);
			sent.clear();
			// Idle for several poll intervals: polling is for databases without NOTIFY.
			Thread.sleep(5000);
			assertThat(sent).as("statements of an idle instance over 5 s").hasSizeLessThanOrEqualTo(1);

			// Its own save: the write's statements, and no re-read of every revision.
			sent.clear();
			assertThat(registry.savePluginConfig("llm_p1", Map.of("v", "mine"))).isTrue();
			Thread.sleep(1500);
			assertThat(sent).isNotEmpty().noneMatch((sql) -> sql.startsWith(REVISIONS_QUERY));

			// Another instance's save: one re-read, and the registry follows.
			sent.clear();
			new JdbcPluginConfigStore(postgres.get().getPostgresDatabase()).delete("llm_p2");
			Await.until("the other instance's delete is seen",
					() -> !registry.getPlugin("llm_p2").orElseThrow().configured());
			assertThat(sent).anyMatch((sql) -> sql.startsWith(REVISIONS_QUERY));
		}
	}

	@Test
	void listenUsesAConnectionOfItsOwnOutsideTheApplicationsPool() throws Exception {
		try (HikariDataSource pool = new HikariDataSource()) {
			pool.setJdbcUrl(postgres.getJdbcUrl());
			pool.setUsername("postgres");
			pool.setMaximumPoolSize(1);
			pool.setConnectionTimeout(2000);
			JdbcPluginConfigStore store = new JdbcPluginConfigStore(pool);
			JdbcPluginConfigStore other = new JdbcPluginConfigStore(postgres.get().getPostgresDatabase());
			Semaphore calls = new Semaphore(0);
			try (AutoCloseable watch = store.watch(calls::release)) {
				assertThat(calls.tryAcquire(10, TimeUnit.SECONDS)).as("called once listening").isTrue();
				assertThat(pool.getHikariPoolMXBean().getActiveConnections()).as("pool connections in use").isZero();
				// The pool's only connection is the application's: a save does not wait for it.
				store.save("llm_a", Map.of("v", 1));
				other.save("llm_a", Map.of("v", 2));
				assertThat(calls.tryAcquire(10, TimeUnit.SECONDS)).as("called for the other's save").isTrue();
				assertThat(listeningSessions()).isOne();
			}
			Await.until("the listening session has ended", () -> listeningSessions() == 0);
		}
	}

	@Test
	void theStoresOwnWritesAreNotReportedToItsWatch() throws Exception {
		JdbcPluginConfigStore store = new JdbcPluginConfigStore(postgres.get().getPostgresDatabase());
		JdbcPluginConfigStore other = new JdbcPluginConfigStore(postgres.get().getPostgresDatabase());
		Semaphore calls = new Semaphore(0);
		try (AutoCloseable watch = store.watch(calls::release)) {
			assertThat(calls.tryAcquire(10, TimeUnit.SECONDS)).as("called once listening").isTrue();
			store.save("llm_a", Map.of("v", 1));
			store.delete("llm_a");
			assertThat(calls.tryAcquire(1500, TimeUnit.MILLISECONDS)).as("no call for its own writes").isFalse();
			other.save("llm_a", Map.of("v", 2));
			assertThat(calls.tryAcquire(10, TimeUnit.SECONDS)).as("called for another store's save").isTrue();
		}
	}

	@Test
	void withoutNotifyTheWatchPollsAtThePollInterval() throws Exception {
		JdbcPluginConfigStore store = new JdbcPluginConfigStore(postgres.get().getPostgresDatabase(), "plugin_config",
				FileSystemPluginConfigStore.DEFAULT_MAX_CONFIG_SIZE, "a");
		store.setPollInterval(Duration.ofMillis(200));
		// A LISTEN connection that cannot be had: the watch polls meanwhile.
		store.setListenConnectionSupplier(() -> {
			throw new SQLException("no connection for LISTEN", "08001");
		});
		Semaphore calls = new Semaphore(0);
		try (AutoCloseable watch = store.watch(calls::release)) {
			assertThat(calls.tryAcquire(5, 10, TimeUnit.SECONDS)).as("polled").isTrue();
		}
	}

	@Test
	void aChangeMadeWhileTheListenConnectionWasAwayIsFoundThoughTheFirstReadAfterReconnectingFails()
			throws Exception {
		DataSource database = postgres.get().getPostgresDatabase();
		// The store's next reads that fail: as when its pooled connections were terminated
		// with the listening one (pg_terminate_backend, a restart), and the pool hands out
		// one of them before it knows.
		AtomicInteger failingReads = new AtomicInteger();
		DataSource pooled = new DelegatingDataSource(database) {

			@Override
			public Connection getConnection() throws SQLException {
				if (failingReads.getAndUpdate((left) -> Math.max(0, left - 1)) > 0) {
					throw new SQLException("FATAL: terminating connection due to administrator command", "57P01");
				}
				return super.getConnection();
			}

		};
		JdbcPluginConfigStore store = new JdbcPluginConfigStore(pooled);
		AtomicBoolean listenDown = new AtomicBoolean();
		store.setListenConnectionSupplier(() -> {
			if (listenDown.get()) {
				throw new SQLException("the database is restarting", "08001");
			}
			return database.getConnection();
		});
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(store);
		registry.registerPluginManager("llm", manager());
		// A rescan far off: what finds the change must not be it.
		try (PluginConfigWatcher watcher = new PluginConfigWatcher(registry, Duration.ofMinutes(2))) {
			watcher.start();
			Await.until("listening", () -> listeningSessions() == 1);
			listenDown.set(true);
			new JdbcTemplate(database).query(
					"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%'",
					(ResultSet rows) -> null);
			Await.until("the listening session has ended", () -> listeningSessions() == 0);
			new JdbcPluginConfigStore(database).save("llm_p1", Map.of("v", 1));
			failingReads.set(1);
			listenDown.set(false);
			Await.until("the change made while not listening is found",
					() -> registry.getPlugin("llm_p1").orElseThrow().configured());
			assertThat(failingReads.get()).as("the read after reconnecting failed").isZero();
			Await.until("the store is reported readable", () -> watcher.getStoreFailure() == null);
		}
	}

	/**
	 * A database that stops answering on its open connections, and whose new connections
	 * get no answer either (a hung host, a network that drops every packet): the watcher
	 * is closed while it waits for notices (it then sends {@code UNLISTEN}), or while it
	 * reconnects after its validity check failed. Either way its thread ends within the
	 * query timeout, not when the database answers again.
	 */
	@ParameterizedTest(name = "frozen for {0} ms, checked every {1} s")
	@CsvSource({ "600, 60", "8000, 1" })
	@DisabledOnOs(value = OS.WINDOWS, disabledReason = "stops the server's processes with kill -STOP")
	void closingTheWatcherWhileTheDatabaseDoesNotAnswerEndsItsThreadWithinTheQueryTimeout(int frozenMillis,
			int validateEverySeconds) throws Exception {
		try (HikariDataSource pool = bootLikePool()) {
			PostgresChangeWatcher watcher = watcher(pool, () -> {
			}, Duration.ofSeconds(validateEverySeconds));
			Await.until("listening", watcher::isListening);
			Thread thread = watchThread();
			try (PostgresFreezer freezer = new PostgresFreezer(pool)) {
				freezer.freeze();
				Thread.sleep(frozenMillis);
				long closing = System.nanoTime();
				watcher.close();
				assertThat(Duration.ofNanos(System.nanoTime() - closing)).as("close returns")
					.isLessThan(Duration.ofSeconds(3));
				thread.join(TIMEOUT.plusSeconds(2).toMillis());
				assertThat(thread.isAlive()).as("the watch thread, still frozen, after the query timeout: %s",
						List.of(thread.getStackTrace()))
					.isFalse();
			}
			Await.until("the listening session has ended", () -> listeningSessions() == 0);
		}
	}

	/**
	 * A network that dies partway through a notice: pgjdbc reads the rest of a message
	 * without a timeout once its first byte has come, so the wait for notices never ends by
	 * itself. Closing the watcher aborts its connection once it has waited its bound for the
	 * thread, and the thread ends.
	 */
	@Test
	void closingTheWatcherWhileANoticeIsCutOffHalfwayEndsItsThread() throws Exception {
		try (StallingProxy proxy = new StallingProxy(postgres.getPort());
				HikariDataSource pool = bootLikePool(postgres.getJdbcUrl().replace(":" + postgres.getPort() + "/",
						":" + proxy.getPort() + "/"))) {
			PostgresChangeWatcher watcher = watcher(pool, () -> {
			}, Duration.ofSeconds(60));
			Await.until("listening", watcher::isListening);
			Thread thread = watchThread();
			proxy.stallAfterNextByte();
			DataSource direct = postgres.get().getPostgresDatabase();
			new JdbcTemplate(direct).query("SELECT pg_notify(?, 'another instance')", (ResultSet rows) -> null,
					new JdbcPluginConfigStore(direct).notificationChannel());
			assertThat(proxy.awaitStalled(10, TimeUnit.SECONDS)).as("the notice cut off").isTrue();
			// Past every bound of the connection: the read of the rest of the notice has none.
			Thread.sleep(TIMEOUT.multipliedBy(3).toMillis());
			assertThat(thread.isAlive()).as("the watch thread, reading the rest of the notice").isTrue();
			long closing = System.nanoTime();
			watcher.close();
			assertThat(Duration.ofNanos(System.nanoTime() - closing)).as("close returns")
				.isLessThan(Duration.ofSeconds(3));
			thread.join(TIMEOUT.plusSeconds(2).toMillis());
			assertThat(thread.isAlive()).as("the watch thread after close: %s", List.of(thread.getStackTrace()))
				.isFalse();
		}
	}

	@Test
	@DisabledOnOs(value = OS.WINDOWS, disabledReason = "stops the server's processes with kill -STOP")
	void aWatcherCutOffByADatabaseThatStoppedAnsweringListensAgainOnceItDoesAndReportsWhatChangedMeanwhile()
			throws Exception {
		try (HikariDataSource pool = bootLikePool()) {
			Semaphore calls = new Semaphore(0);
			try (PostgresChangeWatcher watcher = watcher(pool, calls::release, Duration.ofSeconds(1))) {
				Await.until("listening", watcher::isListening);
				calls.drainPermits();
				// Another instance, its connection open before the database stops answering.
				SingleConnectionDataSource connection = new SingleConnectionDataSource(
						postgres.get().getPostgresDatabase().getConnection(), true);
				JdbcPluginConfigStore other = new JdbcPluginConfigStore(connection);
				assertThat(other.exists("llm_p1")).isFalse();
				CompletableFuture<String> save;
				try (PostgresFreezer freezer = new PostgresFreezer(pool)) {
					freezer.freeze();
					// Its save, sent now, runs and commits as soon as the database answers again,
					// while the watcher has yet to connect: it gets no notice of it.
					save = CompletableFuture.supplyAsync(() -> other.save("llm_p1", Map.of("v", 1), ExpectedRevision.any()));
					// Past the validity check: the listening connection is given up, and the
					// watcher tries to connect again, meanwhile its notices are lost.
					Await.until("the listening connection given up", () -> !watcher.isListening());
					Thread.sleep(3000);
				}
				assertThat(save.get(20, TimeUnit.SECONDS)).isEqualTo("1");
				Await.until("listening again", watcher::isListening);
				assertThat(calls.tryAcquire(10, TimeUnit.SECONDS)).as("a change reported after reconnecting").isTrue();
				assertThat(new JdbcPluginConfigStore(pool).revisions()).containsEntry("llm_p1", "1");
				// And notices arrive again.
				calls.drainPermits();
				other.save("llm_p2", Map.of("v", 1));
				assertThat(calls.tryAcquire(10, TimeUnit.SECONDS)).as("a notice after recovering").isTrue();
				connection.destroy();
			}
		}
	}

	/**
	 * A save whose connection the database stopped answering on: its outcome is unknown,
	 * and the database, once it answers, commits it. Every instance ends up with that
	 * revision soon after, the one that saved included, whose store's notice of it is its
	 * own; not at the next rescan, which is far off.
	 */
	@Test
	@DisabledOnOs(value = OS.WINDOWS, disabledReason = "stops the server's processes with kill -STOP")
	void aSaveWhoseOutcomeWasUnknownAndThatCommittedIsSeenByEveryInstanceOnceTheDatabaseAnswers()
			throws Exception {
		try (HikariDataSource poolA = bootLikePool(); HikariDataSource poolB = bootLikePool()) {
			UnifiedPluginRegistry a = registry(poolA, "a");
			UnifiedPluginRegistry b = registry(poolB, "b");
			List<PluginConfigChange> seenByA = new CopyOnWriteArrayList<>();
			a.addChangeListener(seenByA::add);
			try (PluginConfigWatcher watchA = new PluginConfigWatcher(a, Duration.ofMinutes(5));
					PluginConfigWatcher watchB = new PluginConfigWatcher(b, Duration.ofMinutes(5))) {
				watchA.start();
				watchB.start();
				Await.until("both listening", () -> listeningSessions() == 2);
				assertThat(a.savePluginConfig("llm_p1", Map.of("v", 1), ExpectedRevision.any())).isEqualTo("1");
				Await.until("b follows", () -> b.getKnownRevision("llm_p1").equals(Optional.of("1")));
				try (PostgresFreezer freezer = new PostgresFreezer(poolA)) {
					freezer.freeze();
					assertThatExceptionOfType(PluginConfigWriteOutcomeUnknownException.class)
						.isThrownBy(() -> a.savePluginConfig("llm_p1", Map.of("v", 2), ExpectedRevision.any()));
					assertThat(a.getKnownRevision("llm_p1")).contains("1");
				}
				// What the database ran once it answered again: the save that was reported unknown.
				Await.until("the save committed", () -> "2".equals(new JdbcPluginConfigStore(poolB).revisions().get("llm_p1")));
				Await.until("b follows", () -> b.getKnownRevision("llm_p1").equals(Optional.of("2")));
				Await.until("a, which saved it, follows", () -> a.getKnownRevision("llm_p1").equals(Optional.of("2")));
				// The registry knows the revision before its listeners hear of it: wait for them.
				PluginConfigChange committed = new PluginConfigChange("llm_p1", PluginConfigChange.Kind.SAVED, "2", true);
				Await.until("a publishes it as a change made elsewhere", () -> seenByA.contains(committed));
				assertThat(seenByA).last().isEqualTo(committed);
				assertThat(a.loadPluginConfig("llm_p1")).isEqualTo(Map.of("v", 2));
			}
		}
	}

	/**
	 * A write of unknown outcome that never committed: its plugin is not kept for ever as
	 * one whose notice, the store's own, is to be reported. Once the database has answered
	 * for the write's bound, the store's next notice of that plugin is its own again.
	 */
	@Test
	void aWriteOfUnknownOutcomeIsForgottenOnceItCanNoLongerCommit() throws Exception {
		DataSource database = postgres.get().getPostgresDatabase();
		Semaphore calls = new Semaphore(0);
		try (PostgresChangeWatcher watcher = watcher(database, calls::release, Duration.ofSeconds(60))) {
			Await.until("listening", watcher::isListening);
			String channel = new JdbcPluginConfigStore(database).notificationChannel();
			JdbcTemplate jdbc = new JdbcTemplate(database);
			watcher.reportWriteOf("llm_a", Duration.ofMillis(300));
			assertThat(calls.tryAcquire(5, TimeUnit.SECONDS)).as("a change reported at once").isTrue();
			// Past its bound, and a turn of the thread after it (a re-read, should it have committed).
			Thread.sleep(300 + 2 * PostgresChangeWatcher.WAIT_MILLIS);
			calls.drainPermits();
			jdbc.query("SELECT pg_notify(?, ?)", (ResultSet rows) -> null, channel,
					PluginConfigTable.payload("llm_a", "token"));
			assertThat(calls.tryAcquire(1500, TimeUnit.MILLISECONDS)).as("the store's own notice reported").isFalse();

			// Within its bound, its notice is reported, once.
			watcher.reportWriteOf("llm_b", Duration.ofMinutes(1));
			assertThat(calls.tryAcquire(5, TimeUnit.SECONDS)).as("a change reported at once").isTrue();
			jdbc.query("SELECT pg_notify(?, ?)", (ResultSet rows) -> null, channel,
					PluginConfigTable.payload("llm_b", "token"));
			assertThat(calls.tryAcquire(5, TimeUnit.SECONDS)).as("its notice reported").isTrue();
			jdbc.query("SELECT pg_notify(?, ?)", (ResultSet rows) -> null, channel,
					PluginConfigTable.payload("llm_b", "token"));
			assertThat(calls.tryAcquire(1500, TimeUnit.MILLISECONDS)).as("the next, the store's own").isFalse();
		}
	}

	/**
	 * A write of unknown outcome whose deadline passes while the database does not answer
	 * (a network that drops packets silently): it may still commit once the database
	 * answers, so it is not forgotten then. The watcher checks the database at the deadline,
	 * finds it gone, and once it answers again the write's notice is still reported.
	 */
	@Test
	@DisabledOnOs(value = OS.WINDOWS, disabledReason = "stops the server's processes with kill -STOP")
	void aWriteOfUnknownOutcomeIsNotForgottenWhileTheDatabaseDoesNotAnswer() throws Exception {
		try (HikariDataSource pool = bootLikePool()) {
			Semaphore calls = new Semaphore(0);
			try (PostgresChangeWatcher watcher = watcher(pool, calls::release, Duration.ofSeconds(60))) {
				Await.until("listening", watcher::isListening);
				watcher.reportWriteOf("llm_a", Duration.ofSeconds(2));
				assertThat(calls.tryAcquire(5, TimeUnit.SECONDS)).as("a change reported at once").isTrue();
				try (PostgresFreezer freezer = new PostgresFreezer(pool)) {
					freezer.freeze();
					// Its deadline passes meanwhile; the connection is checked then, long before
					// the next validity check is due.
					Await.until("the listening connection given up", () -> !watcher.isListening());
				}
				Await.until("listening again", watcher::isListening);
				assertThat(calls.tryAcquire(10, TimeUnit.SECONDS)).as("a change reported after reconnecting").isTrue();
				calls.drainPermits();
				// The write, committed once the database answers: its notice is reported.
				new JdbcTemplate(pool).query("SELECT pg_notify(?, ?)", (ResultSet rows) -> null,
						new JdbcPluginConfigStore(pool).notificationChannel(), PluginConfigTable.payload("llm_a", "token"));
				assertThat(calls.tryAcquire(5, TimeUnit.SECONDS)).as("the late write's notice reported").isTrue();
			}
		}
	}

	private static UnifiedPluginRegistry registry(DataSource dataSource, String instanceName) {
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(new JdbcPluginConfigStore(dataSource,
				"plugin_config", FileSystemPluginConfigStore.DEFAULT_MAX_CONFIG_SIZE, instanceName, TIMEOUT, TIMEOUT));
		registry.registerPluginManager("llm", manager());
		return registry;
	}

	/** A pool as Spring Boot makes it: a URL without socketTimeout, so nothing but the store bounds a read. */
	private static HikariDataSource bootLikePool() {
		return bootLikePool(postgres.getJdbcUrl());
	}

	private static HikariDataSource bootLikePool(String jdbcUrl) {
		HikariDataSource pool = new HikariDataSource();
		pool.setJdbcUrl(jdbcUrl);
		pool.setUsername("postgres");
		pool.setMaximumPoolSize(2);
		pool.setConnectionTimeout(2000);
		pool.setValidationTimeout(1000);
		return pool;
	}

	/** A watcher as the store starts it, with its query timeout, but checking its connection as often as asked. */
	private static PostgresChangeWatcher watcher(DataSource dataSource, Runnable onChange, Duration validateEvery) {
		JdbcPluginConfigStore store = new JdbcPluginConfigStore(dataSource, "plugin_config",
				FileSystemPluginConfigStore.DEFAULT_MAX_CONFIG_SIZE, "a", TIMEOUT, TIMEOUT);
		return PostgresChangeWatcher.start(ListenConnectionSupplier.of(dataSource, TIMEOUT), "plugin_config",
				store.notificationChannel(), "token", onChange, null, TIMEOUT, validateEvery);
	}

	private static Thread watchThread() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((candidate) -> candidate.getName().equals("plugin-config-watch-plugin_config"))
			.findFirst()
			.orElseThrow();
	}

	private static int listeningSessions() {
		return new JdbcTemplate(postgres.get().getPostgresDatabase()).queryForObject(
				"SELECT COUNT(*) FROM pg_stat_activity WHERE query LIKE 'LISTEN%'", Integer.class);
	}

	private static PluginManager manager() {
		return () -> java.util.stream.IntStream.range(0, 200)
			.mapToObj((i) -> PluginDescriptor.builder("p" + i).build())
			.toList();
	}

	/** Records every statement (and validity check) sent through its connections. */
	private static final class CountingDataSource extends DelegatingDataSource {

		private final List<String> sent;

		CountingDataSource(DataSource dataSource, List<String> sent) {
			super(dataSource);
			this.sent = sent;
		}

		@Override
		public Connection getConnection() throws SQLException {
			Connection connection = super.getConnection();
			return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { Connection.class },
					(proxy, method, args) -> {
						if (method.getName().startsWith("prepare") && args != null && args[0] instanceof String sql) {
							this.sent.add(sql);
						}
						else if (method.getName().equals("isValid")) {
							this.sent.add("<isValid>");
						}
						else if (method.getName().equals("unwrap") || method.getName().equals("isWrapperFor")) {
							// LISTEN needs pgjdbc's own connection; its statements are counted below.
						}
						Object result = invoke(method, connection, args);
						if (result instanceof Statement statement && method.getName().equals("createStatement")) {
							return counting(statement);
						}
						return result;
					});
		}

		private Statement counting(Statement statement) {
			return (Statement) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { Statement.class },
					(proxy, method, args) -> {
						if (method.getName().startsWith("execute") && args != null && args[0] instanceof String sql) {
							this.sent.add(sql);
						}
						return invoke(method, statement, args);
					});
		}

		private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args) throws Throwable {
			try {
				return method.invoke(target, args);
			}
			catch (InvocationTargetException ex) {
				throw ex.getCause();
			}
		}

	}

}
