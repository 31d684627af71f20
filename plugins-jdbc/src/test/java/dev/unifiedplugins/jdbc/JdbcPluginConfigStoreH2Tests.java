package dev.unifiedplugins.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import dev.unifiedplugins.config.ExpectedRevision;
import dev.unifiedplugins.config.PluginConfigConflictException;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link JdbcPluginConfigStore} on an in-memory H2 database, which has no change notices.
 */
class JdbcPluginConfigStoreH2Tests extends AbstractJdbcPluginConfigStoreTests {

	// Kept while the class runs; each test starts with a fresh table.
	private static final String URL = "jdbc:h2:mem:plugins-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";

	private final DataSource dataSource = dataSource(URL);

	private final DataSource otherDataSource = dataSource(URL);

	@AfterAll
	static void dropDatabase() throws SQLException {
		try (Connection connection = dataSource(URL).getConnection();
				Statement statement = connection.createStatement()) {
			statement.execute("SHUTDOWN");
		}
	}

	private static DataSource dataSource(String url) {
		JdbcDataSource dataSource = new JdbcDataSource();
		dataSource.setURL(url);
		return dataSource;
	}

	@Override
	protected DataSource dataSource() {
		return this.dataSource;
	}

	@Override
	protected DataSource otherDataSource() {
		return this.otherDataSource;
	}

	@Override
	protected String platform() {
		return "h2";
	}

	/**
	 * On H2 alone: the count is kept the same way on every database, and PostgreSQL, which
	 * flushes each write to disk, takes a hundred seconds over it on a busy machine.
	 */
	@Test
	void pluginsSavedAndDeletedAThousandTimesLeaveNoCountOfTheirWritesNorASession() {
		JdbcPluginConfigStore store = new JdbcPluginConfigStore(dataSource());
		int sessions = sessions();
		for (int i = 0; i < 1_000; i++) {
			String id = "llm_plugin" + i;
			store.save(id, Map.of("v", i));
			assertThatExceptionOfType(PluginConfigConflictException.class)
				.isThrownBy(() -> store.save(id, Map.of("v", 0), ExpectedRevision.none()));
			assertThat(store.delete(id)).isTrue();
		}
		assertThat(store.historyCounts()).isZero();
		assertThat(sessions()).isEqualTo(sessions);
	}

	/** The connections open to the database, the one asking included. */
	private int sessions() {
		return jdbc().queryForObject("SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS", Integer.class);
	}

	@Test
	void watchingWatchesNothing() throws Exception {
		JdbcPluginConfigStore store = new JdbcPluginConfigStore(dataSource());
		AutoCloseable watch = store.watch(() -> {
			throw new AssertionError("H2 sends no change notices");
		});
		assertThat(Thread.getAllStackTraces().keySet())
			.noneMatch((thread) -> thread.getName().startsWith("plugin-config-watch-"));
		watch.close();
		watch.close();
	}

}
