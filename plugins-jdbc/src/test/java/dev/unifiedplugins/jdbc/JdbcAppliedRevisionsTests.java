package dev.unifiedplugins.jdbc;

import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

import dev.unifiedplugins.applied.AppliedAwait;
import dev.unifiedplugins.applied.AppliedRevision;
import dev.unifiedplugins.testsupport.Await;
import dev.unifiedplugins.testsupport.PostgresServer;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;

import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link JdbcAppliedRevisions} on a real PostgreSQL 14, each instance on a connection of
 * its own: every instance reads what every live one recorded; one that stops leaves at
 * once, one that falls silent is left out after three heartbeat intervals by the
 * database's clock and comes back when it can write again; a new run under a name replaces
 * what the previous one left; nothing is sent while nothing is loaded; on H2 too.
 */
class JdbcAppliedRevisionsTests {

	private static final Duration HEARTBEAT = Duration.ofMillis(200);

	@RegisterExtension
	static final PostgresServer postgres = new PostgresServer();

	private final List<JdbcAppliedRevisions> instances = new ArrayList<>();

	@BeforeEach
	void createFreshTable() {
		new JdbcTemplate(postgres()).execute("DROP TABLE IF EXISTS plugin_config_applied");
		String location = JdbcPluginConfigStore.SCHEMA_LOCATION.replace("@@platform@@", "postgresql");
		new ResourceDatabasePopulator(new DefaultResourceLoader().getResource(location)).execute(postgres());
	}

	@AfterEach
	void closeInstances() {
		this.instances.forEach(JdbcAppliedRevisions::close);
	}

	@Test
	void everyInstanceReadsWhatEveryLiveInstanceRecorded() {
		JdbcAppliedRevisions a = instance("web-a", postgres());
		JdbcAppliedRevisions b = instance("web-b", postgres());
		a.record("stt_whisper", "3", null);
		b.record("stt_whisper", "3", "java.lang.IllegalStateException: refused");
		b.record("stt_other", null, null);
		Await.until("both are recorded", () -> a.get("stt_whisper").size() == 2);
		for (JdbcAppliedRevisions reader : List.of(a, b)) {
			assertThat(reader.get("stt_whisper").keySet()).containsExactly("web-a", "web-b");
			assertThat(reader.get("stt_whisper").get("web-a").revision()).isEqualTo("3");
			assertThat(reader.get("stt_whisper").get("web-a").error()).isNull();
			assertThat(reader.get("stt_whisper").get("web-b").error()).contains("refused");
		}
		Await.until("the other plugin is recorded", () -> !a.get("stt_other").isEmpty());
		assertThat(a.get("stt_other").get("web-b").revision()).isNull();
		assertThat(a.get("stt_none")).isEmpty();
	}

	@Test
	void aLaterRecordReplacesTheEarlierOneAndAForgottenPluginHasNoEntry() {
		JdbcAppliedRevisions a = instance("web-a", postgres());
		a.record("stt_whisper", "3", null);
		a.record("stt_whisper", "4", "refused");
		Await.until("revision 4 is recorded", () -> "4".equals(revision(a, "web-a")));
		AppliedRevision entry = a.get("stt_whisper").get("web-a");
		assertThat(entry.error()).isEqualTo("refused");
		a.record("stt_whisper", "5", null);
		Await.until("revision 5 is recorded", () -> "5".equals(revision(a, "web-a")));
		assertThat(a.get("stt_whisper").get("web-a").at()).isAfterOrEqualTo(entry.at());
		a.forget("stt_whisper");
		Await.until("the plugin is forgotten", () -> a.get("stt_whisper").isEmpty());
		assertThat(rows("web-a")).isZero();
	}

	@Test
	void anInstanceThatStopsLeavesAtOnce() {
		JdbcAppliedRevisions a = instance("web-a", postgres());
		JdbcAppliedRevisions b = instance("web-b", postgres());
		a.record("stt_whisper", "3", null);
		b.record("stt_whisper", "3", null);
		Await.until("both are recorded", () -> a.get("stt_whisper").size() == 2);
		b.close();
		assertThat(a.get("stt_whisper")).containsOnlyKeys("web-a");
		assertThat(rows("web-b")).isZero();
	}

	@Test
	void aSilentInstanceIsLeftOutAfterThreeHeartbeatsAndComesBackWhenItCanWriteAgain() throws Exception {
		JdbcAppliedRevisions a = instance("web-a", postgres());
		Cuttable network = new Cuttable(postgres());
		JdbcAppliedRevisions b = instance("web-b", network);
		a.record("stt_whisper", "3", null);
		b.record("stt_whisper", "3", null);
		Await.until("both are recorded", () -> a.get("stt_whisper").size() == 2);
		Thread.sleep(HEARTBEAT.multipliedBy(5).toMillis());
		assertThat(a.get("stt_whisper")).as("heartbeats keep both alive").containsOnlyKeys("web-a", "web-b");

		network.cut = true;
		Await.until("the silent instance is left out", () -> a.get("stt_whisper").size() == 1);
		assertThat(a.get("stt_whisper")).containsOnlyKeys("web-a");
		assertThat(rows("web-b")).as("left out by the readers, not deleted by them").isOne();
		// A new instance's first write deletes the rows of the silent ones.
		instance("web-c", postgres()).record("stt_other", "1", null);
		Await.until("the silent rows are deleted", () -> rows("web-b") == 0);

		network.cut = false;
		Await.until("the instance is back", () -> a.get("stt_whisper").size() == 2);
		assertThat(revision(a, "web-b")).isEqualTo("3");
	}

	@Test
	void anAwaitIsNotDoneWhileThisInstancesOwnRowsAreMissingAndIsOnceAHeartbeatWritesThemAgain() {
		JdbcAppliedRevisions a = instance("web-a", postgres());
		a.record("stt_whisper", "3", null);
		Await.until("recorded", () -> "3".equals(revision(a, "web-a")));
		// As when another instance deleted them, silent while the database was out of reach.
		new JdbcTemplate(postgres()).update("DELETE FROM plugin_config_applied WHERE instance_name = 'web-a'");
		assertThat(a.get("stt_whisper")).isEmpty();

		assertThat(AppliedAwait.await(a, "stt_whisper", "3", Duration.ZERO).awaited()).isFalse();
		assertThat(AppliedAwait.await(a, "stt_whisper", "3", Duration.ofSeconds(10)).awaited())
			.as("once the next heartbeat wrote the row again")
			.isTrue();
		assertThat(revision(a, "web-a")).isEqualTo("3");
	}

	@Test
	void aNewRunUnderTheSameNameReplacesWhatThePreviousRunLeft() {
		Cuttable crashed = new Cuttable(postgres());
		JdbcAppliedRevisions first = instance("web-a", crashed);
		first.record("stt_whisper", "3", null);
		first.record("stt_other", "7", null);
		Await.until("both are recorded", () -> rows("web-a") == 2);
		crashed.cut = true;
		JdbcAppliedRevisions second = instance("web-a", postgres());
		second.record("stt_whisper", "4", null);
		Await.until("the new run's entry is recorded", () -> "4".equals(revision(second, "web-a")));
		assertThat(second.get("stt_other")).as("what the previous run left").isEmpty();
		assertThat(rows("web-a")).isOne();
	}

	@Test
	void nothingIsSentWhileNothingIsLoaded() throws Exception {
		Cuttable counted = new Cuttable(postgres());
		JdbcAppliedRevisions a = instance("web-a", counted);
		Thread.sleep(HEARTBEAT.multipliedBy(4).toMillis());
		assertThat(counted.connections).as("connections while nothing was loaded").hasValue(0);
		a.record("stt_whisper", "3", null);
		a.forget("stt_whisper");
		Await.until("the plugin is forgotten", () -> counted.connections.get() > 0 && rows("web-a") == 0);
		Thread.sleep(HEARTBEAT.toMillis());
		int afterForget = counted.connections.get();
		Thread.sleep(HEARTBEAT.multipliedBy(4).toMillis());
		assertThat(counted.connections).as("connections once nothing was loaded again").hasValue(afterForget);
		a.close();
		assertThat(counted.connections).as("one delete as it stops").hasValue(afterForget + 1);
	}

	@Test
	void aPluginLoadedWhileAHeartbeatRunsDoesNotMakeItWriteEveryRowAgain() throws Exception {
		AtomicReference<Runnable> duringHeartbeat = new AtomicReference<>();
		DataSource hooked = new DelegatingDataSource(postgres()) {

			@Override
			public Connection getConnection() throws SQLException {
				Connection connection = super.getConnection();
				return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
						new Class<?>[] { Connection.class }, (proxy, method, args) -> {
							if (method.getName().equals("prepareStatement") && args[0] instanceof String sql
									&& sql.startsWith("UPDATE plugin_config_applied SET heartbeat_at")) {
								Runnable hook = duringHeartbeat.getAndSet(null);
								if (hook != null) {
									hook.run();
								}
							}
							try {
								return method.invoke(connection, args);
							}
							catch (InvocationTargetException ex) {
								throw ex.getCause();
							}
						});
			}

		};
		JdbcAppliedRevisions a = instance("web-a", hooked);
		a.record("stt_whisper", "3", null);
		Await.until("recorded", () -> "3".equals(revision(a, "web-a")));
		Instant appliedAt = a.get("stt_whisper").get("web-a").at();
		// Another plugin loads while a heartbeat marks the rows alive.
		CountDownLatch loaded = new CountDownLatch(1);
		duringHeartbeat.set(() -> {
			a.record("stt_other", "1", null);
			loaded.countDown();
		});
		assertThat(loaded.await(10, TimeUnit.SECONDS)).isTrue();
		Await.until("the other plugin is recorded", () -> !a.get("stt_other").isEmpty());
		Thread.sleep(HEARTBEAT.multipliedBy(3).toMillis());
		assertThat(a.get("stt_whisper").get("web-a").at()).as("when it was applied, not written again")
			.isEqualTo(appliedAt);
	}

	@Test
	void anUnreachableDatabaseIsAnErrorNamingThePluginAndTheTable() {
		Cuttable network = new Cuttable(postgres());
		network.cut = true;
		JdbcAppliedRevisions a = instance("web-a", network);
		assertThatExceptionOfType(UncheckedIOException.class).isThrownBy(() -> a.get("stt_whisper"))
			.withMessageContaining("stt_whisper")
			.withMessageContaining("plugin_config_applied");
	}

	@Test
	void aLongErrorIsCut() {
		JdbcAppliedRevisions a = instance("web-a", postgres());
		a.record("stt_whisper", "3", "x".repeat(10_000));
		Await.until("it is recorded", () -> !a.get("stt_whisper").isEmpty());
		assertThat(a.get("stt_whisper").get("web-a").error()).hasSize(JdbcAppliedRevisions.MAX_ERROR_LENGTH);
	}

	@Test
	void worksOnH2WithItsSchemaScript() {
		JdbcDataSource h2 = new JdbcDataSource();
		h2.setURL("jdbc:h2:mem:applied-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
		String location = JdbcPluginConfigStore.SCHEMA_LOCATION.replace("@@platform@@", "h2");
		new ResourceDatabasePopulator(new DefaultResourceLoader().getResource(location)).execute(h2);
		JdbcAppliedRevisions a = instance("web-a", h2);
		JdbcAppliedRevisions b = instance("web-b", h2);
		a.record("stt_whisper", "3", null);
		b.record("stt_whisper", "3", "refused");
		Await.until("both are recorded", () -> a.get("stt_whisper").size() == 2);
		assertThat(a.get("stt_whisper").get("web-b").error()).isEqualTo("refused");
		b.close();
		assertThat(a.get("stt_whisper")).containsOnlyKeys("web-a");
	}

	@Test
	void aTableNameTooLongForItsAppliedTableIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new JdbcAppliedRevisions(postgres(), "t".repeat(60), "web-a", HEARTBEAT,
					Duration.ofSeconds(5)))
			.withMessageContaining("_applied");
	}

	private JdbcAppliedRevisions instance(String name, DataSource dataSource) {
		JdbcAppliedRevisions instance = new JdbcAppliedRevisions(dataSource, JdbcPluginConfigStore.DEFAULT_TABLE_NAME,
				name, HEARTBEAT, Duration.ofSeconds(5));
		this.instances.add(instance);
		return instance;
	}

	private static String revision(JdbcAppliedRevisions reader, String instance) {
		AppliedRevision entry = reader.get("stt_whisper").get(instance);
		return (entry != null) ? entry.revision() : null;
	}

	private static int rows(String instance) {
		Integer rows = new JdbcTemplate(postgres())
			.queryForObject("SELECT COUNT(*) FROM plugin_config_applied WHERE instance_name = ?", Integer.class, instance);
		return (rows != null) ? rows : 0;
	}

	private static DataSource postgres() {
		PGSimpleDataSource dataSource = new PGSimpleDataSource();
		dataSource.setServerNames(new String[] { "localhost" });
		dataSource.setPortNumbers(new int[] { postgres.getPort() });
		dataSource.setDatabaseName("postgres");
		dataSource.setUser("postgres");
		return dataSource;
	}

	/** A data source whose connections can be cut, as a network partition would, and counted. */
	private static final class Cuttable extends DelegatingDataSource {

		volatile boolean cut;

		final AtomicInteger connections = new AtomicInteger();

		Cuttable(DataSource target) {
			super(target);
		}

		@Override
		public Connection getConnection() throws SQLException {
			if (this.cut) {
				throw new SQLException("Connection refused (the test cut the network)", "08001");
			}
			this.connections.incrementAndGet();
			return super.getConnection();
		}

	}

}
