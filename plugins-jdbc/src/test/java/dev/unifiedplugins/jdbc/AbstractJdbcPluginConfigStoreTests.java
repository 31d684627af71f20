package dev.unifiedplugins.jdbc;

import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import dev.unifiedplugins.config.ConfigRevision;
import dev.unifiedplugins.config.ExpectedRevision;
import dev.unifiedplugins.config.FileSystemPluginConfigStore;
import dev.unifiedplugins.config.PluginConfigBusyException;
import dev.unifiedplugins.config.PluginConfigConflictException;
import dev.unifiedplugins.config.PluginConfigException;
import dev.unifiedplugins.config.PluginConfigStore;
import dev.unifiedplugins.config.StoredPluginConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Behaviour of {@link JdbcPluginConfigStore} on a real database, run against each
 * database the subclasses start. Every test starts with a fresh table made by the
 * store's own schema script, run the way Spring Boot runs it.
 */
abstract class AbstractJdbcPluginConfigStoreTests {

	private static final String TABLE = JdbcPluginConfigStore.DEFAULT_TABLE_NAME;

	private static final String HISTORY = TABLE + "_history";

	@TempDir
	Path tempDir;

	private final List<ExecutorService> executors = new ArrayList<>();

	/** A data source on the test database. */
	protected abstract DataSource dataSource();

	/** Another data source on the same database, as a second instance would have. */
	protected abstract DataSource otherDataSource();

	/** The platform name in the schema script's name, as Spring Boot finds it. */
	protected abstract String platform();

	protected JdbcTemplate jdbc() {
		return new JdbcTemplate(dataSource());
	}

	@BeforeEach
	void createFreshTable() {
		jdbc().execute("DROP TABLE IF EXISTS " + TABLE);
		jdbc().execute("DROP TABLE IF EXISTS " + HISTORY);
		runSchemaScript(dataSource());
	}

	@AfterEach
	void stopExecutors() throws InterruptedException {
		for (ExecutorService executor : this.executors) {
			executor.shutdownNow();
			assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
		}
	}

	protected void runSchemaScript(DataSource dataSource) {
		String location = JdbcPluginConfigStore.SCHEMA_LOCATION.replace("@@platform@@", platform());
		new ResourceDatabasePopulator(new DefaultResourceLoader().getResource(location)).execute(dataSource);
	}

	protected JdbcPluginConfigStore store(DataSource dataSource, String instanceName) {
		return new JdbcPluginConfigStore(dataSource, TABLE, FileSystemPluginConfigStore.DEFAULT_MAX_CONFIG_SIZE,
				instanceName);
	}

	protected ExecutorService executor(int threads) {
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		this.executors.add(executor);
		return executor;
	}

	private Map<String, Object> row(String uniqueId) {
		return jdbc().queryForMap("SELECT json, revision, updated_by, updated_at FROM " + TABLE + " WHERE unique_id = ?",
				uniqueId);
	}

	@Test
	void aWriteInsideACallersTransactionIsItsOwnAndLeavesTheCallersAlone() {
		DataSource target = dataSource();
		JdbcTemplate callerJdbc = new JdbcTemplate(target);
		callerJdbc.execute("CREATE TABLE IF NOT EXISTS caller_work (v VARCHAR(10))");
		callerJdbc.update("DELETE FROM caller_work");
		TransactionTemplate caller = new TransactionTemplate(new DataSourceTransactionManager(target));
		// Given the DataSource itself, or a proxy that hands out the caller's connection.
		for (DataSource given : List.of(target, new TransactionAwareDataSourceProxy(target))) {
			JdbcPluginConfigStore store = new JdbcPluginConfigStore(given);
			store.save("llm_warm", config("v", 0)); // the store knows its database from here on
			caller.executeWithoutResult((status) -> {
				callerJdbc.update("INSERT INTO caller_work (v) VALUES ('mine')");
				store.save("llm_a", config("v", 1));
				store.save("llm_b", config("v", 2), ExpectedRevision.none());
				assertThat(store.delete("llm_warm")).isTrue();
				status.setRollbackOnly();
			});
			JdbcPluginConfigStore other = new JdbcPluginConfigStore(otherDataSource());
			assertThat(other.load("llm_a")).contains(config("v", 1));
			assertThat(other.load("llm_b")).contains(config("v", 2));
			assertThat(other.load("llm_warm")).isEmpty();
			assertThat(callerJdbc.queryForObject("SELECT COUNT(*) FROM caller_work", Integer.class)).isZero();
			other.delete("llm_a");
			other.delete("llm_b");
		}
		callerJdbc.execute("DROP TABLE caller_work");
	}

	private static Map<String, Object> config(Object... keysAndValues) {
		Map<String, Object> config = new LinkedHashMap<>();
		for (int i = 0; i < keysAndValues.length; i += 2) {
			config.put((String) keysAndValues[i], keysAndValues[i + 1]);
		}
		return config;
	}

	@Test
	void savedConfigLoadsBackAndIsListed() {
		JdbcPluginConfigStore store = new JdbcPluginConfigStore(dataSource());
		Map<String, Object> config = config("model", "whisper-tiny", "beam", 5, "ratio", 0.25, "vad",
				Map.of("enabled", true), "langs", List.of("en", "de"), "none", null);
		store.save("transcription_whisper", config);
		assertThat(store.load("transcription_whisper")).contains(config);
		assertThat(store.load("transcription_whisper").orElseThrow().keySet())
			.containsExactlyElementsOf(config.keySet());
		assertThat(store.loadStored("transcription_whisper").orElseThrow())
			.isEqualTo(new StoredPluginConfig(config, "1"));
		assertThat(store.exists("transcription_whisper")).isTrue();
		assertThat(store.ids()).containsExactly("transcription_whisper");
		assertThat(store.revisions()).containsExactly(Map.entry("transcription_whisper", "1"));
	}

	@Test
	void unknownIdHasNothingStored() {
		JdbcPluginConfigStore store = new JdbcPluginConfigStore(dataSource());
		assertThat(store.load("llm_unknown")).isEmpty();
		assertThat(store.loadStored("llm_unknown")).isEmpty();
		assertThat(store.exists("llm_unknown")).isFalse();
		assertThat(store.delete("llm_unknown")).isFalse();
		assertThat(store.ids()).isEmpty();
		assertThat(store.revisions()).isEmpty();
		assertThat(jdbc().queryForObject("SELECT COUNT(*) FROM " + TABLE, Integer.class)).isZero();
	}

	@Test
	void deletedConfigIsGoneButItsRowKeepsCounting() {
		JdbcPluginConfigStore store = new JdbcPluginConfigStore(dataSource());
		store.save("llm_a", config("k", 1));
		store.save("llm_b", config("k", 2));
		assertThat(store.delete("llm_a")).isTrue();
		assertThat(store.delete("llm_a")).isFalse();
		assertThat(store.load("llm_a")).isEmpty();
		assertThat(store.loadStored("llm_a")).isEmpty();
		assertThat(store.exists("llm_a")).isFalse();
		assertThat(store.ids()).containsExactly("llm_b");
		assertThat(store.revisions()).containsOnlyKeys("llm_b");
		// The tombstone: no JSON, and a revision beyond the last one handed out.
		assertThat(row("llm_a")).containsEntry("json", null).containsEntry("revision", 2L);
	}

	@Test
	void everyWriteIncreasesTheRevisionAndNoneRepeatsAcrossDeleteAndRecreate() {
		JdbcPluginConfigStore store = new JdbcPluginConfigStore(dataSource());
		List<Long> revisions = new ArrayList<>();
		store.save("llm_a", config("v", 1));
		revisions.add(Long.parseLong(store.loadStored("llm_a").orElseThrow().revision()));
		revisions.add(Long.parseLong(store.save("llm_a", config("v", 2), ExpectedRevision.any())));
		store.delete("llm_a");
		revisions.add(Long.parseLong(store.save("llm_a", config("v", 3), ExpectedRevision.none())));
		store.save("llm_a", config("v", 3));
		revisions.add(Long.parseLong(store.revisions().get("llm_a")));
		store.delete("llm_a");
		store.save("llm_a", config("v", 4));
		revisions.add(Long.parseLong(store.loadStored("llm_a").orElseThrow().revision()));
		assertThat(revisions).isSorted().doesNotHaveDuplicates().containsExactly(1L, 2L, 4L, 5L, 7L);
	}

	@Test
	void clientHoldingARevisionFromBeforeADeleteCannotOverwriteTheRecreatedConfig() {
		JdbcPluginConfigStore store = new JdbcPluginConfigStore(dataSource());
		String read = store.save("llm_a", config("v", "old"), ExpectedRevision.none());
		store.delete("llm_a");
		store.save("llm_a", config("v", "new"));
		assertThatExceptionOfType(PluginConfigConflictException.class)
			.isThrownBy(() -> store.save("llm_a", config("v", "lost update"), ExpectedRevision.of(read)))
			.satisfies((ex) -> assertThat(ex.getActual()).isEqualTo("3"));
		assertThat(store.load("llm_a")).contains(config("v", "new"));
	}

	@Test
	void checkedSaveWithTheStoredRevisionSucceedsAndReturnsTheNewOne() {
		JdbcPluginConfigStore store = new JdbcPluginConfigStore(dataSource());
		String first = store.save("llm_a", config("v", 1), ExpectedRevision.none());
		String second = store.save("llm_a", config("v", 2), ExpectedRevision.of(first));
		assertThat(first).isEqualTo("1");
		assertThat(second).isEqualTo("2");
		assertThat(store.loadStored("llm_a")).contains(new StoredPluginConfig(config("v", 2), second));
		assertThat(store.revisions()).containsEntry("llm_a", second);
	}

	@Test
	void checkedSaveWithAStaleRevisionConflictsAndWritesNothing() {
		JdbcPluginConfigStore store = store(dataSource(), "instance-a");
		String stale = store.save("llm_a", config("v", 1), ExpectedRevision.any());
		store(otherDataSource(), "instance-b").save("llm_a", config("v", 2));
		Map<String, Object> before = row("llm_a");
		assertThatExceptionOfType(PluginConfigConflictException.class)
			.isThrownBy(() -> store.save("llm_a", config("v", 3), ExpectedRevision.of(stale)))
			.satisfies((ex) -> {
				assertThat(ex.getUniqueId()).isEqualTo("llm_a");
				assertThat(ex.getActual()).isEqualTo("2");
				assertThat(ex.getExpected().revision()).isEqualTo(stale);
				assertThat(ex.getMessage()).contains("llm_a").doesNotContain("\"v\"");
			});
		assertThat(row("llm_a")).isEqualTo(before).containsEntry("updated_by", "instance-b");
	}

	@Test
	void checkedSaveExpectingNothingConflictsWithAStoredConfig() {
		JdbcPluginConfigStore store = new JdbcPluginConfigStore(dataSource());
		store.save("llm_a", config("v", 1));
		Map<String, Object> before = row("llm_a");
		assertThatExceptionOfType(PluginConfigConflictException.class)
			.isThrownBy(() -> store.save("llm_a", config("v", 2), ExpectedRevision.none()))
			.satisfies((ex) -> assertThat(ex.getActual()).isEqualTo("1"));
		assertThat(row("llm_a")).isEqualTo(before);
	}

	@Test
	void checkedSaveExpectingNothingSucceedsOnADeletedConfig() {
		JdbcPluginConfigStore store = new JdbcPluginConfigStore(dataSource());
		store.save("llm_a", config("v", 1));
		store.delete("llm_a");
		assertThat(store.save("llm_a", config("v", 2), ExpectedRevision.none())).isEqualTo("3");
		assertThat(store.load("llm_a")).contains(config("v", 2));
	}

	@Test
	void checkedSaveOfADeletedOrNeverSavedConfigConflictsAndWritesNothing() {
		JdbcPluginConfigStore store = new JdbcPluginConfigStore(dataSource());
		String read = store.save("llm_a", config("v", 1), ExpectedRevision.any());
		store.delete("llm_a");
		Map<String, Object> tombstone = row("llm_a");
		assertThatExceptionOfType(PluginConfigConflictException.class)
			.isThrownBy(() -> store.save("llm_a", config("v", 2), ExpectedRevision.of(read)))
			.satisfies((ex) -> assertThat(ex.getActual()).isNull());
		assertThat(row("llm_a")).isEqualTo(tombstone);
		assertThatExceptionOfType(PluginConfigConflictException.class)
			.isThrownBy(() -> store.save("llm_never", config("v", 2), ExpectedRevision.of("1")))
			.satisfies((ex) -> assertThat(ex.getActual()).isNull());
		assertThat(jdbc().queryForObject("SELECT COUNT(*) FROM " + TABLE + " WHERE unique_id = 'llm_never'",
				Integer.class))
			.isZero();
	}

	@Test
	void revisionThatThisStoreNeverHandsOutConflicts() {
		JdbcPluginConfigStore store = new JdbcPluginConfigStore(dataSource());
		store.save("llm_a", config("v", 1));
		// A revision from another kind of store (a content hash), or "1" spelled otherwise.
		for (String foreign : List.of("4f2a9c0e7b1d3e5f6a8b9c0d1e2f3a4b", "01", "+1", " 1", "0", "-1",
				"99999999999999999999")) {
			assertThatExceptionOfType(PluginConfigConflictException.class)
				.isThrownBy(() -> store.save("llm_a", config("v", 2), ExpectedRevision.of(foreign)))
				.satisfies((ex) -> assertThat(ex.getActual()).isEqualTo("1"));
		}
		assertThat(store.loadStored("llm_a")).contains(new StoredPluginConfig(config("v", 1), "1"));
	}

	@Test
	void rowHoldsTheBytesTheFileStoreWritesForTheSameConfig() throws Exception {
		Map<String, Object> config = config("device", "cpu", "prompt", "Grüße ☕ 😀", "n", 1.5, "nan", Double.NaN,
				"big", new BigInteger("123456789012345678901234567890"), "nested",
				Map.of("list", List.of(1, "two", Map.of())), "none", null);
		new JdbcPluginConfigStore(dataSource()).save("transcription_whisper", config);
		FileSystemPluginConfigStore files = new FileSystemPluginConfigStore(this.tempDir);
		files.save("transcription_whisper", config);
		String json = jdbc().queryForObject("SELECT json FROM " + TABLE + " WHERE unique_id = ?", String.class,
				"transcription_whisper");
		assertThat(json.getBytes(StandardCharsets.UTF_8))
			.isEqualTo(Files.readAllBytes(files.pathOf("transcription_whisper")));
		// And a row exported to a file is read back by the file store.
		Files.writeString(this.tempDir.resolve("llm_exported.json"), json);
		assertThat(files.load("llm_exported")).isEqualTo(files.load("transcription_whisper"));
	}

	@Test
	void rowRecordsWhichInstanceWroteItAndWhen() {
		JdbcPluginConfigStore a = store(dataSource(), "host-a:101");
		JdbcPluginConfigStore b = store(otherDataSource(), "host-b:202");
		a.save("llm_a", config("v", 1));
		assertThat(row("llm_a")).containsEntry("updated_by", "host-a:101").extractingByKey("updated_at").isNotNull();
		b.delete("llm_a");
		assertThat(row("llm_a")).containsEntry("updated_by", "host-b:202");
		assertThat(new JdbcPluginConfigStore(dataSource()).getInstanceName())
			.isEqualTo(JdbcPluginConfigStore.defaultInstanceName())
			.endsWith(":" + ProcessHandle.current().pid());
	}

	@Test
	void twoStoresOnTwoDataSourcesSeeEachOthersWrites() {
		JdbcPluginConfigStore a = store(dataSource(), "a");
		JdbcPluginConfigStore b = store(otherDataSource(), "b");
		a.save("llm_a", config("v", 1));
		assertThat(b.loadStored("llm_a")).contains(new StoredPluginConfig(config("v", 1), "1"));
		String revision = b.save("llm_a", config("v", 2), ExpectedRevision.of("1"));
		assertThat(a.revisions()).containsExactly(Map.entry("llm_a", revision));
		assertThat(a.load("llm_a")).contains(config("v", 2));
		b.save("llm_b", config());
		assertThat(a.ids()).containsExactlyInAnyOrder("llm_a", "llm_b");
		assertThat(a.delete("llm_b")).isTrue();
		assertThat(b.exists("llm_b")).isFalse();
		assertThat(b.ids()).containsExactly("llm_a");
	}

	@Test
	void concurrentCheckedSavesAgainstTheSameRevisionHaveExactlyOneWinner() throws Exception {
		JdbcPluginConfigStore a = store(dataSource(), "a");
		JdbcPluginConfigStore b = store(otherDataSource(), "b");
		a.save("llm_race", config("round", -1));
		ExecutorService executor = executor(2);
		int rounds = 100;
		for (int round = 0; round < rounds; round++) {
			String read = a.loadStored("llm_race").orElseThrow().revision();
			CyclicBarrier barrier = new CyclicBarrier(2);
			int r = round;
			Future<Outcome> byA = executor.submit(() -> checkedSave(barrier, a, config("round", r, "by", "a"), read));
			Future<Outcome> byB = executor.submit(() -> checkedSave(barrier, b, config("round", r, "by", "b"), read));
			Outcome outcomeA = byA.get(30, TimeUnit.SECONDS);
			Outcome outcomeB = byB.get(30, TimeUnit.SECONDS);
			assertThat(outcomeA.won()).as("round %d: exactly one winner", round).isNotEqualTo(outcomeB.won());
			Outcome winner = outcomeA.won() ? outcomeA : outcomeB;
			Outcome loser = outcomeA.won() ? outcomeB : outcomeA;
			assertThat(winner.revision()).isEqualTo(Long.toString(Long.parseLong(read) + 1));
			assertThat(loser.revision()).as("the loser is told the winner's revision").isEqualTo(winner.revision());
			assertThat(a.load("llm_race").orElseThrow()).containsEntry("by", outcomeA.won() ? "a" : "b");
		}
		assertThat(a.revisions()).containsEntry("llm_race", Long.toString(rounds + 1));
	}

	@Test
	void concurrentSavesOfANewIdBothSucceedOrExactlyOneWhenCheckedForNothing() throws Exception {
		JdbcPluginConfigStore a = store(dataSource(), "a");
		JdbcPluginConfigStore b = store(otherDataSource(), "b");
		ExecutorService executor = executor(2);
		for (int round = 0; round < 50; round++) {
			// Last writer wins: both inserts of a new id succeed, one of them as an update.
			String id = "llm_plain" + round;
			CyclicBarrier barrier = new CyclicBarrier(2);
			Future<?> byA = executor.submit(() -> plainSave(barrier, a, id, config("by", "a")));
			Future<?> byB = executor.submit(() -> plainSave(barrier, b, id, config("by", "b")));
			byA.get(30, TimeUnit.SECONDS);
			byB.get(30, TimeUnit.SECONDS);
			assertThat(a.revisions()).containsEntry(id, "2");
			assertThat(a.load(id).orElseThrow().get("by")).isIn("a", "b");
			// Checked for nothing: one creates it, the other is told it exists.
			String created = "llm_none" + round;
			CyclicBarrier both = new CyclicBarrier(2);
			Future<Outcome> noneA = executor.submit(() -> checkedSave(both, a, created, config("by", "a"), null));
			Future<Outcome> noneB = executor.submit(() -> checkedSave(both, b, created, config("by", "b"), null));
			Outcome outcomeA = noneA.get(30, TimeUnit.SECONDS);
			Outcome outcomeB = noneB.get(30, TimeUnit.SECONDS);
			assertThat(outcomeA.won()).as("round %d: exactly one creator", round).isNotEqualTo(outcomeB.won());
			assertThat(outcomeA.revision()).isEqualTo("1");
			assertThat(outcomeB.revision()).isEqualTo("1");
			assertThat(a.load(created).orElseThrow()).containsEntry("by", outcomeA.won() ? "a" : "b");
		}
	}

	private static Void plainSave(CyclicBarrier barrier, PluginConfigStore store, String id,
			Map<String, Object> config) throws Exception {
		barrier.await(10, TimeUnit.SECONDS);
		store.save(id, config);
		return null;
	}

	private static Outcome checkedSave(CyclicBarrier barrier, PluginConfigStore store, Map<String, Object> config,
			String expected) throws Exception {
		return checkedSave(barrier, store, "llm_race", config, expected);
	}

	/** Saves expecting a revision (or nothing, for null); the winner's or the stored revision. */
	private static Outcome checkedSave(CyclicBarrier barrier, PluginConfigStore store, String id,
			Map<String, Object> config, String expected) throws Exception {
		barrier.await(10, TimeUnit.SECONDS);
		try {
			return new Outcome(true, store.save(id, config,
					(expected != null) ? ExpectedRevision.of(expected) : ExpectedRevision.none()));
		}
		catch (PluginConfigConflictException ex) {
			return new Outcome(false, ex.getActual());
		}
	}

	private record Outcome(boolean won, String revision) {
	}

	@Test
	void historyListsEveryWriteNewestFirstWithTheDatabasesTimeAndTheWriter() {
		JdbcPluginConfigStore a = store(dataSource(), "host-a:101");
		JdbcPluginConfigStore b = store(otherDataSource(), "host-b:202");
		a.save("llm_a", config("v", 1));
		b.save("llm_a", config("v", 2), ExpectedRevision.of("1"));
		a.delete("llm_a");
		b.save("llm_a", config("v", 4), ExpectedRevision.none());

		List<ConfigRevision> history = a.history("llm_a");

		assertThat(history).extracting(ConfigRevision::revision).containsExactly("4", "3", "2", "1");
		assertThat(history).extracting(ConfigRevision::deleted).containsExactly(false, true, false, false);
		assertThat(history).extracting(ConfigRevision::writtenBy)
			.containsExactly("host-b:202", "host-a:101", "host-b:202", "host-a:101");
		assertThat(history.get(0).writtenAt()).as("the database's clock, as the row's")
			.isEqualTo(jdbc().queryForObject("SELECT updated_at FROM " + TABLE + " WHERE unique_id = 'llm_a'",
					OffsetDateTime.class).toInstant());
		for (int i = 1; i < history.size(); i++) {
			assertThat(history.get(i - 1).writtenAt()).isAfterOrEqualTo(history.get(i).writtenAt());
		}
		assertThat(b.history("llm_a")).isEqualTo(history);
		assertThat(a.history("llm_none")).isEmpty();
	}

	@Test
	void aRevisionLoadsAsItWasSecretsIncludedAndADeletionLoadsNothing() {
		JdbcPluginConfigStore store = new JdbcPluginConfigStore(dataSource());
		store.save("llm_a", config("api_key", "sk-first", "nested", config("token", "t-1")));
		store.save("llm_a", config("api_key", "sk-second"));
		store.delete("llm_a");

		assertThat(store.loadRevision("llm_a", "1"))
			.contains(new StoredPluginConfig(config("api_key", "sk-first", "nested", config("token", "t-1")), "1"));
		assertThat(store.loadRevision("llm_a", "2")).contains(new StoredPluginConfig(config("api_key", "sk-second"), "2"));
		assertThat(store.loadRevision("llm_a", "3")).as("a deletion").isEmpty();
		for (String unknown : List.of("4", "0", "-1", "01", "x", "")) {
			assertThat(store.loadRevision("llm_a", unknown)).as(unknown).isEmpty();
		}
		assertThat(store.loadRevision("llm_b", "1")).isEmpty();
	}

	@Test
	void historyIsBoundedInTheTable() {
		JdbcPluginConfigStore store = new JdbcPluginConfigStore(dataSource());
		store.setHistorySize(3);
		// The store's writes since it last pruned.
		int unpruned = 0;
		for (int i = 1; i <= 20; i++) {
			boolean prunes = unpruned == 0;
			if (i % 5 == 0) {
				store.delete("llm_a");
				unpruned = 0;
			}
			else {
				// Checked saves too, expecting nothing after a deletion.
				ExpectedRevision expected = (i % 5 == 1 && i > 1) ? ExpectedRevision.none()
						: (i % 2 == 0) ? ExpectedRevision.of(Integer.toString(i - 1)) : ExpectedRevision.any();
				store.save("llm_a", config("v", i), expected);
				unpruned = (unpruned + 1) % PluginConfigHistoryTable.PRUNE_EVERY;
			}
			// The store's first write of the plugin prunes, its first after a deletion, then
			// every 8th: at most size + 7 rows, exactly size after a prune.
			assertThat(historyRows("llm_a")).as("after write %d", i)
				.isBetween(Math.min(i, 3), 3 + PluginConfigHistoryTable.PRUNE_EVERY - 1);
			if (prunes) {
				assertThat(historyRows("llm_a")).as("after write %d", i).isEqualTo(Math.min(i, 3));
			}
			assertThat(store.history("llm_a")).as("after write %d", i).hasSize(Math.min(i, 3));
		}
		assertThat(store.history("llm_a")).extracting(ConfigRevision::revision).containsExactly("20", "19", "18");
		assertThat(store.history("llm_a").get(0).deleted()).isTrue();

		// A new size applies at the next write.
		store.setHistorySize(1);
		store.save("llm_a", config("v", 21));
		assertThat(historyRows("llm_a")).isEqualTo(1);
		assertThat(store.history("llm_a")).extracting(ConfigRevision::revision).containsExactly("21");
		// Another instance's first write of the plugin prunes too.
		JdbcPluginConfigStore other = store(otherDataSource(), "other");
		other.setHistorySize(2);
		store.save("llm_a", config("v", 22));
		store.save("llm_a", config("v", 23));
		other.save("llm_a", config("v", 24));
		assertThat(historyRows("llm_a")).isEqualTo(2);
	}

	@Test
	void rowsTheHistoryMissesAreShownAndTheSchemaScriptKeepsThem() {
		JdbcPluginConfigStore store = store(dataSource(), "instance-a");
		store.setHistorySize(0);
		store.save("llm_a", config("v", 1));
		assertThat(historyRows("llm_a")).isZero();
		assertThat(store.history("llm_a")).isEmpty();

		// A row older than the history: shown, and kept once the script runs (at a start).
		store.setHistorySize(20);
		assertThat(store.history("llm_a")).extracting(ConfigRevision::revision).containsExactly("1");
		runSchemaScript(dataSource());
		assertThat(historyRows("llm_a")).isOne();
		store.save("llm_a", config("v", 2));
		assertThat(store.history("llm_a")).extracting(ConfigRevision::revision, ConfigRevision::writtenBy)
			.containsExactly(tuple("2", "instance-a"), tuple("1", "instance-a"));
		assertThat(store.loadRevision("llm_a", "1")).contains(new StoredPluginConfig(config("v", 1), "1"));

		// The documented hand edit: new JSON, the revision one up.
		jdbc().update("UPDATE " + TABLE + " SET json = ?, revision = revision + 1, updated_at = CURRENT_TIMESTAMP,"
				+ " updated_by = 'dba' WHERE unique_id = 'llm_a'", "{\"v\": \"by hand\"}");
		assertThat(store.history("llm_a")).extracting(ConfigRevision::revision, ConfigRevision::writtenBy)
			.startsWith(tuple("3", "dba"));
		assertThat(store.loadRevision("llm_a", "3")).contains(new StoredPluginConfig(config("v", "by hand"), "3"));
		runSchemaScript(otherDataSource());
		store.save("llm_a", config("v", 4), ExpectedRevision.of("3"));
		assertThat(store.history("llm_a")).extracting(ConfigRevision::revision).containsExactly("4", "3", "2", "1");
		assertThat(store.loadRevision("llm_a", "3")).contains(new StoredPluginConfig(config("v", "by hand"), "3"));

		// Without the script in between, a write replaces a hand edit for good.
		jdbc().update("UPDATE " + TABLE + " SET json = ?, revision = revision + 1 WHERE unique_id = 'llm_a'",
				"{\"v\": \"lost\"}");
		store.save("llm_a", config("v", 6));
		assertThat(store.history("llm_a")).extracting(ConfigRevision::revision).startsWith("6", "4");
		assertThat(store.loadRevision("llm_a", "5")).isEmpty();
	}

	@Test
	void sizeZeroKeepsNoHistory() {
		JdbcPluginConfigStore store = new JdbcPluginConfigStore(dataSource());
		store.setHistorySize(0);
		store.save("llm_a", config("v", 1));
		store.save("llm_a", config("v", 2), ExpectedRevision.of("1"));
		store.delete("llm_a");

		assertThat(historyRows("llm_a")).isZero();
		assertThat(store.history("llm_a")).isEmpty();
		assertThat(store.loadRevision("llm_a", "1")).isEmpty();
		assertThatIllegalArgumentException().isThrownBy(() -> store.setHistorySize(-1));
	}

	@Test
	void concurrentWritersLeaveEveryRevisionInTheHistoryOnce() throws Exception {
		JdbcPluginConfigStore a = store(dataSource(), "a");
		JdbcPluginConfigStore b = store(otherDataSource(), "b");
		a.setHistorySize(1000);
		b.setHistorySize(1000);
		ExecutorService executor = executor(2);
		CyclicBarrier barrier = new CyclicBarrier(2);
		List<Future<?>> writers = new ArrayList<>();
		for (JdbcPluginConfigStore store : List.of(a, b)) {
			writers.add(executor.submit(() -> {
				barrier.await(10, TimeUnit.SECONDS);
				for (int i = 0; i < 40; i++) {
					store.save("llm_race", config("by", store.getInstanceName(), "i", i));
				}
				return null;
			}));
		}
		for (Future<?> writer : writers) {
			writer.get(60, TimeUnit.SECONDS);
		}

		List<ConfigRevision> history = a.history("llm_race");
		assertThat(history).extracting(ConfigRevision::revision)
			.containsExactlyElementsOf(IntStream.iterate(80, (r) -> r >= 1, (r) -> r - 1)
				.mapToObj(Integer::toString)
				.toList());
		for (ConfigRevision entry : history) {
			assertThat(a.loadRevision("llm_race", entry.revision()).orElseThrow().config()).as(entry.revision())
				.containsEntry("by", entry.writtenBy());
		}
	}

	@Test
	void aTableOlderThanTheHistoryGetsItFromTheScriptAndUntilThenSavesNameWhatIsMissing() {
		JdbcPluginConfigStore store = new JdbcPluginConfigStore(dataSource());
		store.save("llm_a", config("v", 1));
		jdbc().execute("DROP TABLE " + HISTORY);

		assertThatExceptionOfType(UncheckedIOException.class).isThrownBy(() -> store.save("llm_a", config("v", 2)))
			.withMessageStartingWith("Cannot save the configuration of plugin 'llm_a' in table plugin_config: ")
			.satisfies((ex) -> assertThat(ex.getMessage()).containsIgnoringCase(HISTORY));
		assertThat(store.loadStored("llm_a")).contains(new StoredPluginConfig(config("v", 1), "1"));

		runSchemaScript(dataSource());
		store.save("llm_a", config("v", 2));
		assertThat(store.history("llm_a")).extracting(ConfigRevision::revision).containsExactly("2", "1");
	}

	@Test
	void aTableNameWithoutRoomForTheHistoryTablesKeepsNone() {
		JdbcPluginConfigStore store = new JdbcPluginConfigStore(dataSource(), "x".repeat(63));
		assertThat(store.getHistorySize()).isZero();
		assertThatIllegalArgumentException().isThrownBy(() -> store.setHistorySize(1))
			.withMessageContaining("<table>_history");
		assertThat(new JdbcPluginConfigStore(dataSource(), "x".repeat(55)).getHistorySize())
			.isEqualTo(JdbcPluginConfigStore.DEFAULT_HISTORY_SIZE);
	}

	private int historyRows(String uniqueId) {
		return jdbc().queryForObject("SELECT COUNT(*) FROM " + HISTORY + " WHERE unique_id = ?", Integer.class,
				uniqueId);
	}

	@Test
	void corruptRowFailsToLoadNamingTheRowAndLeavesOtherPluginsAlone() {
		JdbcPluginConfigStore store = new JdbcPluginConfigStore(dataSource());
		store.save("llm_broken", config("v", 1));
		store.save("llm_fine", config("v", 2));
		jdbc().update("UPDATE " + TABLE + " SET json = ?, revision = revision + 1 WHERE unique_id = ?",
				"{\"api_key\": \"sk-live-12345\", \"x\": ", "llm_broken");
		assertThatExceptionOfType(PluginConfigException.class).isThrownBy(() -> store.load("llm_broken"))
			.withMessageContaining("Plugin config row 'llm_broken' of table plugin_config is not valid JSON")
			.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain("sk-live"))
			.satisfies((ex) -> assertThat(ex.getPath()).isNull());
		assertThatExceptionOfType(PluginConfigException.class).isThrownBy(() -> store.loadStored("llm_broken"));
		assertThat(store.load("llm_fine")).contains(config("v", 2));
		assertThat(store.exists("llm_broken")).isTrue();
		assertThat(store.ids()).containsExactlyInAnyOrder("llm_broken", "llm_fine");
		assertThat(store.revisions()).containsExactlyInAnyOrderEntriesOf(Map.of("llm_broken", "2", "llm_fine", "1"));
		// Replacing it repairs it.
		assertThat(store.save("llm_broken", config("v", 3), ExpectedRevision.of("2"))).isEqualTo("3");
		assertThat(store.load("llm_broken")).contains(config("v", 3));
	}

	@Test
	void rowThatIsNotAJsonObjectFailsToLoadNamingTheRow() {
		JdbcPluginConfigStore store = new JdbcPluginConfigStore(dataSource());
		store.save("llm_list", config());
		jdbc().update("UPDATE " + TABLE + " SET json = '[1, 2]' WHERE unique_id = 'llm_list'");
		assertThatExceptionOfType(PluginConfigException.class).isThrownBy(() -> store.load("llm_list"))
			.withMessage("Plugin config row 'llm_list' of table plugin_config holds array, not a JSON object");
	}

	@Test
	void illegalIdsAreRejectedBeforeAnySql() {
		JdbcPluginConfigStore store = new JdbcPluginConfigStore(dataSource());
		store.save("llm_kept", config("v", 1));
		for (String id : List.of("x'; DROP TABLE plugin_config; --", "llm_a' OR '1'='1", "../etc/passwd", "", " ",
				".hidden", "a..b", "a b", "a;b", "a\"b", "x".repeat(129))) {
			assertThatIllegalArgumentException().isThrownBy(() -> store.load(id)).withMessageContaining("unique id");
			assertThatIllegalArgumentException().isThrownBy(() -> store.loadStored(id));
			assertThatIllegalArgumentException().isThrownBy(() -> store.exists(id));
			assertThatIllegalArgumentException().isThrownBy(() -> store.delete(id));
			assertThatIllegalArgumentException().isThrownBy(() -> store.save(id, config("v", 2)));
			assertThatIllegalArgumentException()
				.isThrownBy(() -> store.save(id, config("v", 2), ExpectedRevision.none()));
		}
		assertThat(jdbc().queryForObject("SELECT COUNT(*) FROM " + TABLE, Integer.class)).isOne();
		assertThat(store.load("llm_kept")).contains(config("v", 1));
	}

	@Test
	void rowsWithAnIllegalIdPutThereByHandAreNotListed() {
		JdbcPluginConfigStore store = new JdbcPluginConfigStore(dataSource());
		store.save("llm_kept", config());
		jdbc().update("INSERT INTO " + TABLE + " (unique_id, json, revision, updated_at, updated_by)"
				+ " VALUES ('../x', '{}', 1, CURRENT_TIMESTAMP, 'by hand')");
		assertThat(store.ids()).containsExactly("llm_kept");
		assertThat(store.revisions()).containsOnlyKeys("llm_kept");
	}

	@Test
	void illegalTableNamesAreRejected() {
		for (String table : List.of("plugin_config; DROP TABLE plugin_config", "plugin_config --", "1table",
				"a.b.c", "", ".plugin_config", "plugin_config.", "plugin-config", "\"plugin_config\"",
				"plugin config", "x".repeat(64), "s.".concat("x".repeat(64)))) {
			assertThatIllegalArgumentException().isThrownBy(() -> new JdbcPluginConfigStore(dataSource(), table))
				.withMessageStartingWith("Illegal table name '" + table + "'");
		}
		for (String table : List.of("plugin_config", "PLUGIN_CONFIG", "_t", "t1", "x".repeat(63),
				"plugins.plugin_config")) {
			assertThatNoException().isThrownBy(() -> new JdbcPluginConfigStore(dataSource(), table));
		}
	}

	@Test
	void storeWorksOnAnotherTableInAnotherSchema() throws Exception {
		jdbc().execute("CREATE SCHEMA IF NOT EXISTS plugins_test");
		jdbc().execute("DROP TABLE IF EXISTS plugins_test.shared_config");
		jdbc().execute("DROP TABLE IF EXISTS plugins_test.shared_config_history");
		String script = new String(new DefaultResourceLoader()
			.getResource(JdbcPluginConfigStore.SCHEMA_LOCATION.replace("@@platform@@", platform()))
			.getContentAsByteArray(), StandardCharsets.UTF_8);
		assertThat(script).contains("CREATE TABLE IF NOT EXISTS plugin_config (");
		assertThat(script).contains("CREATE TABLE IF NOT EXISTS plugin_config_history (");
		new ResourceDatabasePopulator(new ByteArrayResource(script
			.replace("CREATE TABLE IF NOT EXISTS plugin_config (", "CREATE TABLE IF NOT EXISTS plugins_test.shared_config (")
			.replace("CREATE TABLE IF NOT EXISTS plugin_config_history (",
					"CREATE TABLE IF NOT EXISTS plugins_test.shared_config_history (")
			.getBytes(StandardCharsets.UTF_8))).execute(dataSource());
		JdbcPluginConfigStore store = new JdbcPluginConfigStore(dataSource(), "plugins_test.shared_config");
		assertThat(store.getTableName()).isEqualTo("plugins_test.shared_config");
		assertThat(store.notificationChannel()).isEqualTo("plugins_test_shared_config_changed");
		store.save("llm_a", config("v", 1));
		assertThat(store.loadStored("llm_a")).contains(new StoredPluginConfig(config("v", 1), "1"));
		assertThat(new JdbcPluginConfigStore(dataSource()).exists("llm_a")).isFalse();
		assertThat(store.delete("llm_a")).isTrue();
		assertThat(store.ids()).isEmpty();
		assertThat(store.history("llm_a")).extracting(ConfigRevision::revision).containsExactly("2", "1");
		assertThat(new JdbcPluginConfigStore(dataSource()).history("llm_a")).isEmpty();
	}

	@Test
	void configLargerThanTheMaximumIsNotSavedNorRead() {
		JdbcPluginConfigStore small = new JdbcPluginConfigStore(dataSource(), TABLE, 64, "small");
		JdbcPluginConfigStore large = new JdbcPluginConfigStore(dataSource());
		small.save("llm_a", config("v", 1));
		Map<String, Object> before = row("llm_a");
		assertThatIllegalArgumentException().isThrownBy(() -> small.save("llm_a", config("v", "x".repeat(100))))
			.withMessageContaining("llm_a")
			.withMessageContaining("plugins.max-config-size (64 bytes)");
		assertThat(row("llm_a")).isEqualTo(before);
		large.save("llm_a", config("v", "x".repeat(100)));
		assertThatExceptionOfType(PluginConfigException.class).isThrownBy(() -> small.load("llm_a"))
			.withMessage("Plugin config row 'llm_a' of table plugin_config is larger than"
					+ " plugins.max-config-size (64 bytes)");
		assertThat(small.getMaxConfigSize()).isEqualTo(64);
		assertThat(large.getMaxConfigSize()).isEqualTo(FileSystemPluginConfigStore.DEFAULT_MAX_CONFIG_SIZE);
	}

	@Test
	void illegalSizesAndInstanceNamesAreRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> new JdbcPluginConfigStore(dataSource(), TABLE, 0, "i"));
		assertThatIllegalArgumentException().isThrownBy(() -> new JdbcPluginConfigStore(dataSource(), TABLE,
				FileSystemPluginConfigStore.MAX_CONFIG_SIZE_LIMIT + 1, "i"));
		assertThatIllegalArgumentException().isThrownBy(() -> new JdbcPluginConfigStore(dataSource(), TABLE, 64, " "))
			.withMessageContaining("instance name");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new JdbcPluginConfigStore(dataSource(), TABLE, 64, "i".repeat(256)));
		assertThat(new JdbcPluginConfigStore(dataSource(), TABLE, 64, "i".repeat(255)).getInstanceName()).hasSize(255);
	}

	@Test
	void schemaScriptMayRunAgainAndKeepsTheData() {
		JdbcPluginConfigStore store = new JdbcPluginConfigStore(dataSource());
		store.save("llm_a", config("v", 1));
		runSchemaScript(dataSource());
		runSchemaScript(otherDataSource());
		assertThat(store.loadStored("llm_a")).contains(new StoredPluginConfig(config("v", 1), "1"));
	}

	@Test
	void everyConnectionIsClosedWithItsAutoCommitAsItWasHandedOut() {
		for (boolean autoCommit : new boolean[] { true, false }) {
			TrackingDataSource tracking = new TrackingDataSource(dataSource(), autoCommit);
			JdbcPluginConfigStore store = store(tracking, "tracked");
			store.save("llm_a", config("v", 1));
			String revision = store.save("llm_a", config("v", 2), ExpectedRevision.any());
			assertThatExceptionOfType(PluginConfigConflictException.class)
				.isThrownBy(() -> store.save("llm_a", config("v", 3), ExpectedRevision.none()));
			assertThatExceptionOfType(PluginConfigConflictException.class)
				.isThrownBy(() -> store.save("llm_a", config("v", 3), ExpectedRevision.of("1")));
			store.loadStored("llm_a");
			store.exists("llm_a");
			store.ids();
			store.revisions();
			store.delete("llm_a");
			assertThat(tracking.opened.get()).isGreaterThanOrEqualTo(9);
			assertThat(tracking.closed.get()).isEqualTo(tracking.opened.get());
			assertThat(tracking.closedWithOtherAutoCommit).isEmpty();
			// Committed, whatever the connection's auto-commit: another data source sees it.
			assertThat(store(otherDataSource(), "other").revisions()).doesNotContainKey("llm_a");
			assertThat(row("llm_a")).containsEntry("revision", Long.parseLong(revision) + 1);
			jdbc().update("DELETE FROM " + TABLE);
		}
	}

	/**
	 * Hands out real connections, with a chosen auto-commit as a pool may, and records
	 * how they are given back.
	 */
	private static final class TrackingDataSource extends DelegatingDataSource {

		final AtomicInteger opened = new AtomicInteger();

		final AtomicInteger closed = new AtomicInteger();

		final Set<String> closedWithOtherAutoCommit = Collections.synchronizedSet(new HashSet<>());

		private final boolean autoCommit;

		TrackingDataSource(DataSource dataSource, boolean autoCommit) {
			super(dataSource);
			this.autoCommit = autoCommit;
		}

		@Override
		public Connection getConnection() throws SQLException {
			Connection connection = super.getConnection();
			connection.setAutoCommit(this.autoCommit);
			this.opened.incrementAndGet();
			return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { Connection.class },
					(proxy, method, args) -> {
						if (method.getName().equals("close")) {
							if (connection.getAutoCommit() != this.autoCommit) {
								this.closedWithOtherAutoCommit.add("connection " + this.opened.get());
							}
							if (!this.autoCommit) {
								// What a pool does on return; the test then sees what was committed.
								connection.rollback();
							}
							this.closed.incrementAndGet();
						}
						try {
							return method.invoke(connection, args);
						}
						catch (InvocationTargetException ex) {
							throw ex.getCause();
						}
					});
		}

	}

	@Test
	void writeOfARowLockedByAnotherConnectionIsBusyAfterTheLockTimeoutWhileOtherPluginsAreWritten()
			throws Exception {
		Duration lockTimeout = Duration.ofSeconds(2);
		JdbcPluginConfigStore store = new JdbcPluginConfigStore(dataSource(), TABLE,
				FileSystemPluginConfigStore.DEFAULT_MAX_CONFIG_SIZE, "a", lockTimeout, Duration.ofSeconds(5));
		store.save("llm_locked", config("v", 1));
		store.save("llm_free", config("v", 1));
		ExecutorService executor = executor(4);
		try (Connection holder = otherDataSource().getConnection()) {
			// A person in a database console: the row is locked until this transaction ends.
			holder.setAutoCommit(false);
			try (Statement lock = holder.createStatement()) {
				lock.executeQuery("SELECT * FROM " + TABLE + " WHERE unique_id = 'llm_locked' FOR UPDATE").close();
			}
			long started = System.nanoTime();
			Future<Throwable> save = executor
				.submit(() -> catchThrowable(() -> store.save("llm_locked", config("api_key", "sk-live-12345"))));
			Future<Throwable> checkedSave = executor.submit(
					() -> catchThrowable(() -> store.save("llm_locked", config("v", 3), ExpectedRevision.of("1"))));
			Future<Throwable> delete = executor.submit(() -> catchThrowable(() -> store.delete("llm_locked")));
			// Another plugin is written at once, while the lock is still held.
			Future<String> other = executor.submit(() -> store.save("llm_free", config("v", 2), ExpectedRevision.any()));
			assertThat(other.get(10, TimeUnit.SECONDS)).isEqualTo("2");
			for (Future<Throwable> write : List.of(save, checkedSave, delete)) {
				assertThat(write.get(30, TimeUnit.SECONDS)).isInstanceOf(PluginConfigBusyException.class)
					.hasMessageContaining("llm_locked")
					.hasMessageContaining("plugins.lock-timeout")
					.satisfies((ex) -> {
						assertThat(((PluginConfigBusyException) ex).getUniqueId()).isEqualTo("llm_locked");
						for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
							assertThat(cause.getMessage()).doesNotContain("sk-live");
						}
					});
			}
			Duration waited = Duration.ofNanos(System.nanoTime() - started);
			// Generous bounds: it waited for the lock, and gave up long before the holder did.
			assertThat(waited).isGreaterThanOrEqualTo(lockTimeout.minusMillis(500)).isLessThan(Duration.ofSeconds(25));
			holder.rollback();
		}
		// Nothing written, not even once the lock is gone: a write told it failed never commits.
		Thread.sleep(500);
		assertThat(store.loadStored("llm_locked")).contains(new StoredPluginConfig(config("v", 1), "1"));
		assertThat(row("llm_locked")).containsEntry("updated_by", "a").containsEntry("revision", 1L);
	}

	@Test
	void failureOfTheDatabaseIsAnIOErrorNamingTheTableAndPlugin() {
		jdbc().execute("DROP TABLE " + TABLE);
		JdbcPluginConfigStore store = new JdbcPluginConfigStore(dataSource());
		assertThatExceptionOfType(UncheckedIOException.class)
			.isThrownBy(() -> store.save("llm_a", config("api_key", "sk-live-12345")))
			.withMessageStartingWith("Cannot save the configuration of plugin 'llm_a' in table plugin_config: ")
			.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain("sk-live"));
		assertThatExceptionOfType(UncheckedIOException.class)
			.isThrownBy(() -> store.save("llm_a", config("api_key", "sk-live-12345"), ExpectedRevision.of("1")))
			.withMessageStartingWith("Cannot save the configuration of plugin 'llm_a' in table plugin_config: ")
			.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain("sk-live"));
		assertThatExceptionOfType(UncheckedIOException.class).isThrownBy(() -> store.load("llm_a"))
			.withMessageStartingWith("Cannot read the configuration of plugin 'llm_a' in table plugin_config: ");
		assertThatExceptionOfType(UncheckedIOException.class).isThrownBy(() -> store.delete("llm_a"))
			.withMessageStartingWith("Cannot delete the configuration of plugin 'llm_a' in table plugin_config: ");
		assertThatExceptionOfType(UncheckedIOException.class).isThrownBy(() -> store.exists("llm_a"));
		assertThatExceptionOfType(UncheckedIOException.class).isThrownBy(store::ids)
			.withMessageStartingWith("Cannot list plugin configurations of table plugin_config: ");
		assertThatExceptionOfType(UncheckedIOException.class).isThrownBy(store::revisions)
			.withMessageContaining("table plugin_config");
	}

}
