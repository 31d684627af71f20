package dev.unifiedplugins.jdbc;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import dev.unifiedplugins.concurrent.BoundedCalls;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.cost.CloudCostFleet.Running;
import dev.unifiedplugins.cost.CloudCostGuard;
import dev.unifiedplugins.cost.CloudCostGuard.BudgetAction;
import dev.unifiedplugins.cost.CloudCostGuard.CategoryBudget;
import dev.unifiedplugins.cost.CloudCostGuard.Fleet;
import dev.unifiedplugins.cost.CloudCostGuard.Settings;
import dev.unifiedplugins.testsupport.MutableClock;
import dev.unifiedplugins.testsupport.PostgresServer;
import dev.unifiedplugins.testsupport.SimulatedCloudPlugin;
import dev.unifiedplugins.testsupport.TestPluginManager;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

/**
 * {@link JdbcCloudCostFleet} on a real PostgreSQL 14, with two {@link CloudCostGuard}s (two
 * registries, two connections, as two instances have) and simulated cloud plugins: they
 * share the fleet's bill, a silent instance drops out by the database's clock, and the
 * budget's terminations across both are exactly those needed, also when they check at once
 * (on H2 too), for the global budget and a category's alike; a slow termination or listener holds nothing the other instance waits for,
 * a lock wait is bounded, and an instance name used by two processes is an error on both.
 */
class JdbcCloudCostFleetTests {

	private static final Duration DROP_OUT = Duration.ofSeconds(90);

	@RegisterExtension
	static final PostgresServer postgres = new PostgresServer();

	@TempDir
	Path dir;

	private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	private final BoundedCalls calls = new BoundedCalls("test-fleet-", 8);

	private final List<ExecutorService> executors = new ArrayList<>();

	@BeforeEach
	void createFreshTables() {
		JdbcTemplate jdbc = new JdbcTemplate(dataSource("setup"));
		for (String suffix : new String[] { "instances", "resources", "lock" }) {
			jdbc.execute("DROP TABLE IF EXISTS plugin_config_cloud_" + suffix);
		}
		String location = JdbcPluginConfigStore.SCHEMA_LOCATION.replace("@@platform@@", "postgresql");
		new ResourceDatabasePopulator(new DefaultResourceLoader().getResource(location)).execute(dataSource("setup"));
	}

	@AfterEach
	void tearDown() throws InterruptedException {
		for (ExecutorService executor : this.executors) {
			executor.shutdownNow();
			assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
		}
		this.calls.close();
	}

	@Test
	void twoInstancesShareTheFleetTotal() {
		CloudCostGuard a = guard("instance-a", null, Map.of("a1", new SimulatedCloudPlugin(2.0), "a2",
				new SimulatedCloudPlugin(3.0)));
		CloudCostGuard b = guard("instance-b", null, Map.of("b1", new SimulatedCloudPlugin(4.0)));
		a.check();
		b.check();
		Fleet fleet = a.check().fleet();
		assertThat(fleet).isNotNull();
		assertThat(fleet.error()).isNull();
		assertThat(fleet.instances()).isEqualTo(2);
		assertThat(fleet.hourlyUsd()).isCloseTo(9.0, within(1e-9));
		assertThat(fleet.byInstance()).containsExactlyInAnyOrderEntriesOf(Map.of("instance-a", 5.0, "instance-b", 4.0));
		assertThat(a.status().hourlyUsd()).as("this instance's own").isEqualTo(5.0);
		assertThat(b.status().fleet()).isNotNull();
		// b's own check came before a's last: it saw both instances, at a's prices then.
		assertThat(b.status().fleet().instances()).isEqualTo(2);
		assertThat(b.status().fleet().byInstance()).containsEntry("instance-b", 4.0);
	}

	@Test
	void anInstanceWithoutRunningResourcesCountsWithNothing() {
		SimulatedCloudPlugin stopped = new SimulatedCloudPlugin(4.0);
		stopped.running = false;
		CloudCostGuard a = guard("instance-a", null, Map.of("a1", new SimulatedCloudPlugin(2.0)));
		CloudCostGuard b = guard("instance-b", null, Map.of("b1", stopped));
		b.check();
		assertThat(a.check().fleet().byInstance()).containsExactlyInAnyOrderEntriesOf(
				Map.of("instance-a", 2.0, "instance-b", 0.0));
	}

	@Test
	void anInstanceThatStopsBeatingDropsOutAfterTheDropOutTimeByTheDatabasesClock() {
		CloudCostGuard a = guard("instance-a", null, Map.of("a1", new SimulatedCloudPlugin(2.0)));
		CloudCostGuard b = guard("instance-b", null, Map.of("b1", new SimulatedCloudPlugin(4.0)));
		b.check();
		backdateHeartbeat("instance-b", DROP_OUT.minusSeconds(10));
		assertThat(a.check().fleet().instances()).as("silent for less than the drop-out time").isEqualTo(2);
		backdateHeartbeat("instance-b", Duration.ofSeconds(11));
		Fleet fleet = a.check().fleet();
		assertThat(fleet.instances()).isOne();
		assertThat(fleet.hourlyUsd()).isEqualTo(2.0);
		assertThat(rows("plugin_config_cloud_resources")).as("its rows are deleted").isOne();
		b.check();
		assertThat(a.check().fleet().instances()).as("back with its next heartbeat").isEqualTo(2);
	}

	@Test
	void heartbeatsTakeTheDatabasesClockSoAHostsClockFarOffDropsNobody() {
		MutableClock ahead = new MutableClock(Instant.now().plus(Duration.ofDays(3)));
		MutableClock behind = new MutableClock(Instant.now().minus(Duration.ofDays(3)));
		CloudCostGuard a = guard(dataSource("instance-a"), ahead, "instance-a", null,
				Map.of("a1", new SimulatedCloudPlugin(2.0)));
		CloudCostGuard b = guard(dataSource("instance-b"), behind, "instance-b", null,
				Map.of("b1", new SimulatedCloudPlugin(4.0)));
		b.check();
		a.check();
		b.check();
		assertThat(a.check().fleet().byInstance()).containsOnlyKeys("instance-a", "instance-b");
		assertThat(b.check().fleet().byInstance()).containsOnlyKeys("instance-a", "instance-b");
		Duration skew = Duration.between(
				new JdbcTemplate(dataSource("setup")).queryForObject(
						"SELECT MIN(heartbeat_at) FROM plugin_config_cloud_instances",
						(row, i) -> row.getObject(1, java.time.OffsetDateTime.class)).toInstant(),
				Instant.now()).abs();
		assertThat(skew).as("the heartbeats are the database's time, not the guards'").isLessThan(Duration.ofHours(1));
	}

	@Test
	void anInstanceThatLeavesIsForgottenAtOnce() {
		CloudCostGuard a = guard("instance-a", null, Map.of("a1", new SimulatedCloudPlugin(2.0)));
		CloudCostGuard b = guard("instance-b", null, Map.of("b1", new SimulatedCloudPlugin(4.0)));
		b.check();
		b.leaveFleet();
		assertThat(a.check().fleet().byInstance()).containsOnlyKeys("instance-a");
	}

	@Test
	void budgetTerminatesAcrossTheFleetExactlyWhatIsNeededEachByItsOwner() {
		Map<String, SimulatedCloudPlugin> onA = SimulatedCloudPlugin.priced("a1", 5.0, "a2", 1.0);
		Map<String, SimulatedCloudPlugin> onB = SimulatedCloudPlugin.priced("b1", 4.0, "b2", 2.0);
		CloudCostGuard a = guard("instance-a", 3.0, onA);
		CloudCostGuard b = guard("instance-b", 3.0, onB);
		a.check();
		b.check();
		// 12 USD per hour against 3: a1 (5) and b1 (4) bring it to 3; a2 and b2 stay.
		assertTerminatedOnly(onA, onB, "a1", "b1");
		a.check();
		b.check();
		assertTerminatedOnly(onA, onB, "a1", "b1");
		assertThat(a.status().fleet().hourlyUsd()).isCloseTo(3.0, within(1e-9));
		assertThat(a.status().budget().exceeded()).isFalse();
		assertThat(b.status().budget().runningHourlyUsd()).isCloseTo(3.0, within(1e-9));
	}

	@Test
	void anInstanceTerminatesNothingWhenAnotherInstancesResourceIsTheOneToGo() {
		Map<String, SimulatedCloudPlugin> onA = SimulatedCloudPlugin.priced("a1", 1.0, "a2", 1.0);
		Map<String, SimulatedCloudPlugin> onB = SimulatedCloudPlugin.priced("b1", 6.0);
		CloudCostGuard a = guard("instance-a", 5.0, onA);
		CloudCostGuard b = guard("instance-b", 5.0, onB);
		a.check();
		onB.get("b1").failures = 1;
		b.check();
		a.check();
		// b1 fails once; a's resources are not terminated instead: b1 is tried again.
		assertTerminatedOnly(onA, onB);
		a.check();
		b.check();
		assertTerminatedOnly(onA, onB, "b1");
		assertThat(a.check().fleet().hourlyUsd()).isEqualTo(2.0);
	}

	@Test
	void aSlowTerminationAndASlowListenerHoldNothingAnotherInstanceWaitsFor() throws Exception {
		Map<String, SimulatedCloudPlugin> onA = SimulatedCloudPlugin.priced("a1", 5.0, "a2", 1.0);
		Map<String, SimulatedCloudPlugin> onB = SimulatedCloudPlugin.priced("b1", 4.0, "b2", 2.0);
		// A's call timeout lets its termination and its listener take their 20 s.
		CloudCostGuard a = new CloudCostGuard(registry(onA), this.calls, this.clock,
				new Settings(null, null, 3.0, BudgetAction.TERMINATE, Duration.ofSeconds(30)),
				new JdbcCloudCostFleet(dataSource("instance-a"), JdbcPluginConfigStore.DEFAULT_TABLE_NAME, "instance-a",
						DROP_OUT));
		CloudCostGuard b = guard("instance-b", 3.0, onB);
		CountDownLatch inTermination = new CountDownLatch(1);
		CountDownLatch releaseTermination = new CountDownLatch(1);
		onA.get("a1").onTerminate = () -> {
			inTermination.countDown();
			await(releaseTermination);
		};
		CountDownLatch inListener = new CountDownLatch(1);
		CountDownLatch releaseListener = new CountDownLatch(1);
		a.addListener((event) -> {
			inListener.countDown();
			await(releaseListener);
		});
		try {
			Future<?> first = executor().submit(a::check);
			assertThat(inTermination.await(20, TimeUnit.SECONDS)).isTrue();
			assertThat(terminating()).as("recorded before the lock was released").containsExactly("instance-a/cloud_a1");

			long started = System.nanoTime();
			Fleet seen = b.check().fleet();
			assertThat(Duration.ofNanos(System.nanoTime() - started)).as("b's heartbeat")
				.isLessThan(Duration.ofSeconds(5));
			assertThat(seen.error()).isNull();
			// a1 bills until it is gone, and counts as going: b ends b1 only (12 - 5 - 4 = 3).
			assertThat(seen.byInstance()).containsEntry("instance-a", 6.0);
			assertTerminatedOnly(onA, onB, "b1");
			assertThat(seen.hourlyUsd()).isCloseTo(8.0, within(1e-9));

			releaseTermination.countDown();
			assertThat(inListener.await(20, TimeUnit.SECONDS)).isTrue();
			started = System.nanoTime();
			assertThat(b.check().fleet().byInstance()).containsKey("instance-a");
			b.leaveFleet();
			assertThat(Duration.ofNanos(System.nanoTime() - started)).as("b's heartbeat and leaving, during a's listener")
				.isLessThan(Duration.ofSeconds(5));

			releaseListener.countDown();
			first.get(20, TimeUnit.SECONDS);
			assertTerminatedOnly(onA, onB, "a1", "b1");
			assertThat(terminating()).isEmpty();
			assertThat(a.check().fleet().byInstance()).containsExactlyEntriesOf(Map.of("instance-a", 1.0));
		}
		finally {
			releaseTermination.countDown();
			releaseListener.countDown();
		}
	}

	@Test
	void aFailedTerminationIsRunningAgainAndItsOwnerPlansItAgain() {
		Map<String, SimulatedCloudPlugin> onA = SimulatedCloudPlugin.priced("a1", 5.0, "a2", 1.0);
		CloudCostGuard a = guard("instance-a", 3.0, onA);
		onA.get("a1").failures = 1;
		assertThat(a.check().fleet().hourlyUsd()).isEqualTo(6.0);
		assertThat(terminating()).as("failed: running again").isEmpty();
		assertTerminatedOnly(onA, Map.of());
		assertThat(a.check().fleet().hourlyUsd()).isEqualTo(1.0);
		assertTerminatedOnly(onA, Map.of(), "a1");
	}

	@Test
	void aHeartbeatThatCannotHaveTheLockInTimeFailsLikeAnUnreachableDatabase() throws Exception {
		Map<String, SimulatedCloudPlugin> onA = SimulatedCloudPlugin.priced("a1", 5.0, "a2", 1.0);
		CloudCostGuard a = new CloudCostGuard(registry(onA), this.calls, this.clock,
				new Settings(null, null, 3.0, BudgetAction.TERMINATE, Duration.ofSeconds(5)),
				new JdbcCloudCostFleet(dataSource("instance-a"), JdbcPluginConfigStore.DEFAULT_TABLE_NAME, "instance-a",
						DROP_OUT, Duration.ofSeconds(1)));
		a.check();
		assertTerminatedOnly(onA, Map.of(), "a1");
		onA.get("a1").running = true;
		try (java.sql.Connection holder = dataSource("holder").getConnection()) {
			holder.setAutoCommit(false);
			try (java.sql.Statement statement = holder.createStatement()) {
				statement.execute("SELECT name FROM plugin_config_cloud_lock FOR UPDATE");
			}
			long started = System.nanoTime();
			CloudCostGuard.Status status = a.check();
			assertThat(Duration.ofNanos(System.nanoTime() - started)).as("bounded by the query timeout")
				.isLessThan(Duration.ofSeconds(10));
			assertThat(status.fleet().error()).contains("instance-a").contains("lock");
			assertThat(status.fleet().hourlyUsd()).as("the last figures").isEqualTo(1.0);
			assertThat(onA.get("a1").terminations).as("the budget applies to this instance alone").hasValue(2);
			holder.rollback();
		}
		assertThat(a.check().fleet().error()).isNull();
	}

	@Test
	void anInstanceNameUsedByTwoLiveProcessesIsAnErrorOnBothAndNeitherOverwritesTheOther() {
		Map<String, SimulatedCloudPlugin> first = SimulatedCloudPlugin.priced("gpu", 3.0);
		Map<String, SimulatedCloudPlugin> second = SimulatedCloudPlugin.priced("gpu", 3.0, "tpu", 1.0);
		CloudCostGuard one = guard(fleet("web-1", "host-1/100 started 2026-01-01T00:00:00Z"), null, first);
		CloudCostGuard two = guard(fleet("web-1", "host-2/100 started 2026-01-01T00:00:05Z"), null, second);
		CloudCostGuard other = guard("web-2", null, SimulatedCloudPlugin.priced("x", 0.5));
		one.check();
		other.check();
		Fleet refused = two.check().fleet();
		assertThat(refused.error()).contains("'web-1'").contains("host-1/100").contains("already used");
		Fleet held = one.check().fleet();
		assertThat(held.error()).contains("'web-1'").contains("host-2/100").contains("also used");
		assertThat(held.byInstance()).as("the holder's rows, not overwritten")
			.containsExactlyInAnyOrderEntriesOf(Map.of("web-1", 3.0, "web-2", 0.5));
		assertThat(two.check().fleet().error()).contains("'web-1'");
		assertThat(held.error()).isEqualTo(one.check().fleet().error());
		assertThat(other.check().fleet().error()).as("not the other instances' business").isNull();
		assertThat(rows("plugin_config_cloud_resources")).isEqualTo(2);
		// The contender stops: the holder's error ends; the holder stops: the name is free.
		two.leaveFleet();
		assertThat(one.check().fleet().error()).isNull();
		one.leaveFleet();
		Fleet taken = two.check().fleet();
		assertThat(taken.error()).isNull();
		assertThat(taken.byInstance()).containsEntry("web-1", 4.0);
	}

	@Test
	void theNameOfAProcessThatStoppedWithoutLeavingIsFreeOnceItDropsOut() {
		CloudCostGuard crashed = guard(fleet("web-1", "host-1/100 started 2026-01-01T00:00:00Z"), null,
				SimulatedCloudPlugin.priced("gpu", 3.0));
		CloudCostGuard restarted = guard(fleet("web-1", "host-1/200 started 2026-01-01T01:00:00Z"), null,
				SimulatedCloudPlugin.priced("gpu", 2.0));
		crashed.check();
		assertThat(restarted.check().fleet().error()).contains("'web-1'");
		backdateHeartbeat("web-1", DROP_OUT.plusSeconds(1));
		Fleet fleet = restarted.check().fleet();
		assertThat(fleet.error()).isNull();
		assertThat(fleet.byInstance()).containsExactlyEntriesOf(Map.of("web-1", 2.0));
	}

	@Test
	void theProcessIsTheHostThePidAndTheStartTime() {
		String process = new JdbcCloudCostFleet(dataSource("instance-a"), JdbcPluginConfigStore.DEFAULT_TABLE_NAME,
				"instance-a", DROP_OUT).getProcess();
		assertThat(process).contains("/" + ProcessHandle.current().pid() + " started ")
			.contains(ProcessHandle.current().info().startInstant().orElseThrow().toString());
		assertThat(new JdbcCloudCostFleet(dataSource("instance-a"), JdbcPluginConfigStore.DEFAULT_TABLE_NAME,
				"instance-a", DROP_OUT).getProcess()).as("another fleet of this JVM is another instance")
			.isNotEqualTo(process);
	}

	@Test
	void instancesCheckingAtOnceNeverTerminateMoreThanNeeded() throws Exception {
		ExecutorService executor = executor();
		for (int round = 0; round < 10; round++) {
			Map<String, SimulatedCloudPlugin> onA = SimulatedCloudPlugin.priced("a1", 5.0, "a2", 1.0, "a3", 0.5);
			Map<String, SimulatedCloudPlugin> onB = SimulatedCloudPlugin.priced("b1", 4.0, "b2", 2.0, "b3", 0.25);
			CloudCostGuard a = guard("instance-a", 3.75, onA);
			CloudCostGuard b = guard("instance-b", 3.75, onB);
			checkAtOnce(executor, a, b);
			a.check();
			b.check();
			// 12.75 against 3.75: a1 and b1 go (9), whichever instance decides first.
			assertTerminatedOnly(onA, onB, "a1", "b1");
			a.leaveFleet();
			b.leaveFleet();
		}
	}

	@Test
	void onH2TooInstancesCheckingAtOnceTerminateExactlyWhatIsNeeded() throws Exception {
		DataSource h2 = h2();
		ExecutorService executor = executor();
		for (int round = 0; round < 10; round++) {
			Map<String, SimulatedCloudPlugin> onA = SimulatedCloudPlugin.priced("a1", 5.0, "a2", 1.0);
			Map<String, SimulatedCloudPlugin> onB = SimulatedCloudPlugin.priced("b1", 4.0, "b2", 2.0);
			CloudCostGuard a = guard(h2, "instance-a", 3.0, onA);
			CloudCostGuard b = guard(h2, "instance-b", 3.0, onB);
			checkAtOnce(executor, a, b);
			assertThat(a.status().fleet().error()).isNull();
			assertThat(b.status().fleet().error()).isNull();
			b.check();
			a.check();
			assertTerminatedOnly(onA, onB, "a1", "b1");
			assertThat(a.status().fleet().hourlyUsd()).isCloseTo(3.0, within(1e-9));
			a.leaveFleet();
			b.leaveFleet();
		}
	}

	@Test
	void onH2ResourcesAndInstancesComingAndGoingLeaveOnlyTheLiveOnesRowsAndNoSession() {
		DataSource h2 = h2();
		JdbcTemplate jdbc = new JdbcTemplate(h2);
		int sessions = sessions(jdbc);
		JdbcCloudCostFleet steady = new JdbcCloudCostFleet(h2, JdbcPluginConfigStore.DEFAULT_TABLE_NAME,
				"instance-steady", DROP_OUT);
		for (int i = 0; i < 500; i++) {
			// Each heartbeat, another plugin's resource, which then ends.
			steady.heartbeat(Map.of("cloud_gpu" + i, new Running(1.0, "cloud")), (fleet) -> List.of());
			steady.terminated(Set.of("cloud_gpu" + i), Set.of());
			// An instance that joins, plans a termination that fails, and leaves.
			JdbcCloudCostFleet passing = new JdbcCloudCostFleet(h2, JdbcPluginConfigStore.DEFAULT_TABLE_NAME,
					"instance-" + i, DROP_OUT);
			passing.heartbeat(Map.of("cloud_tpu", new Running(2.0, "cloud")), (fleet) -> List.of("cloud_tpu"));
			passing.terminated(Set.of(), Set.of("cloud_tpu"));
			passing.leave();
		}
		assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM plugin_config_cloud_resources", Integer.class)).isZero();
		assertThat(jdbc.queryForList("SELECT instance_name FROM plugin_config_cloud_instances", String.class))
			.containsExactly("instance-steady");
		assertThat(sessions(jdbc)).isEqualTo(sessions);
	}

	@Test
	void aCategoryOverItsCapAcrossTheFleetEndsExactlyEnoughEachInstanceItsOwnAndNoOtherCategory() {
		Map<String, SimulatedCloudPlugin> llmOnA = SimulatedCloudPlugin.priced("a1", 5.0, "a2", 1.0);
		Map<String, SimulatedCloudPlugin> llmOnB = SimulatedCloudPlugin.priced("b1", 4.0, "b2", 2.0);
		Map<String, SimulatedCloudPlugin> transcriptionOnA = SimulatedCloudPlugin.priced("at1", 9.0);
		Map<String, SimulatedCloudPlugin> transcriptionOnB = SimulatedCloudPlugin.priced("bt1", 7.0);
		Settings settings = new Settings(null, null, null, BudgetAction.WARN, Duration.ofSeconds(10),
				Map.of("llm", new CategoryBudget(3.0, BudgetAction.TERMINATE)));
		CloudCostGuard a = guard("instance-a", settings, llmOnA, transcriptionOnA);
		CloudCostGuard b = guard("instance-b", settings, llmOnB, transcriptionOnB);
		a.check();
		b.check();
		// llm costs 12 across the fleet against 3: a1 (5) and b1 (4) bring it to 3, each
		// ended by its owner; transcription, dearer but uncapped, is untouched.
		assertTerminatedOnly(llmOnA, llmOnB, "a1", "b1");
		assertTerminatedOnly(transcriptionOnA, transcriptionOnB);
		a.check();
		b.check();
		assertTerminatedOnly(llmOnA, llmOnB, "a1", "b1");
		assertThat(b.status().categoryBudgets().get("llm").runningHourlyUsd()).isCloseTo(3.0, within(1e-9));
		assertThat(a.status().categoryBudgets().get("llm").exceeded()).isFalse();
		assertThat(a.status().fleet().hourlyUsd()).isCloseTo(19.0, within(1e-9));
		assertThat(categories()).containsExactly("instance-a/llm_a2=llm", "instance-a/transcription_at1=transcription",
				"instance-b/llm_b2=llm", "instance-b/transcription_bt1=transcription");
	}

	@Test
	void instancesCheckingAtOnceHoldACategoryAndTheGlobalBudgetTerminatingNoMoreThanNeeded() throws Exception {
		ExecutorService executor = executor();
		Settings settings = new Settings(null, null, 12.0, BudgetAction.TERMINATE, Duration.ofSeconds(10),
				Map.of("llm", new CategoryBudget(3.0, BudgetAction.TERMINATE)));
		for (int round = 0; round < 10; round++) {
			Map<String, SimulatedCloudPlugin> llmOnA = SimulatedCloudPlugin.priced("a1", 5.0, "a2", 1.0);
			Map<String, SimulatedCloudPlugin> llmOnB = SimulatedCloudPlugin.priced("b1", 4.0, "b2", 2.0);
			Map<String, SimulatedCloudPlugin> transcriptionOnA = SimulatedCloudPlugin.priced("at1", 9.0);
			Map<String, SimulatedCloudPlugin> transcriptionOnB = SimulatedCloudPlugin.priced("bt1", 7.0);
			CloudCostGuard a = guard("instance-a", settings, llmOnA, transcriptionOnA);
			CloudCostGuard b = guard("instance-b", settings, llmOnB, transcriptionOnB);
			checkAtOnce(executor, a, b);
			a.check();
			b.check();
			// 28 in all. llm first: a1 and b1 go (llm at 3, all at 19); the global cap of 12
			// then ends at1 (to 10), whichever instance decides first; bt1 stays.
			assertTerminatedOnly(llmOnA, llmOnB, "a1", "b1");
			assertTerminatedOnly(transcriptionOnA, transcriptionOnB, "at1");
			assertThat(a.status().budget().runningHourlyUsd()).isCloseTo(10.0, within(1e-9));
			a.leaveFleet();
			b.leaveFleet();
		}
	}

	@Test
	void theSchemaScriptAddsTheCategoryToTheTablesOfAnEarlierVersionWhoseRowsCountForTheGlobalBudgetOnly() {
		JdbcTemplate jdbc = new JdbcTemplate(dataSource("setup"));
		jdbc.execute("DROP TABLE plugin_config_cloud_resources");
		// The table as the version before category budgets made it, with a row of it.
		jdbc.execute("CREATE TABLE plugin_config_cloud_resources (instance_name VARCHAR(255) NOT NULL, "
				+ "unique_id VARCHAR(128) NOT NULL, hourly_usd DOUBLE PRECISION NOT NULL, "
				+ "terminating BOOLEAN NOT NULL DEFAULT FALSE, PRIMARY KEY (instance_name, unique_id))");
		jdbc.update("INSERT INTO plugin_config_cloud_instances (instance_name, heartbeat_at, process) "
				+ "VALUES ('earlier', CURRENT_TIMESTAMP, 'earlier-process')");
		jdbc.update("INSERT INTO plugin_config_cloud_resources (instance_name, unique_id, hourly_usd) "
				+ "VALUES ('earlier', 'llm_old', 10.0)");
		String location = JdbcPluginConfigStore.SCHEMA_LOCATION.replace("@@platform@@", "postgresql");
		new ResourceDatabasePopulator(new DefaultResourceLoader().getResource(location)).execute(dataSource("setup"));
		Map<String, SimulatedCloudPlugin> llm = SimulatedCloudPlugin.priced("a1", 2.0);
		CloudCostGuard a = guard("instance-a", new Settings(null, null, 20.0, BudgetAction.TERMINATE,
				Duration.ofSeconds(10), Map.of("llm", new CategoryBudget(3.0, BudgetAction.TERMINATE))), llm,
				Map.of());
		CloudCostGuard.Status status = a.check();
		assertThat(llm.get("a1").terminations).hasValue(0);
		assertThat(status.categoryBudgets().get("llm").runningHourlyUsd()).isEqualTo(2.0);
		assertThat(status.budget().runningHourlyUsd()).isEqualTo(12.0);
		assertThat(categories()).containsExactly("earlier/llm_old=null", "instance-a/llm_a1=llm");
	}

	@Test
	void anUnreachableDatabaseIsShownAndTheGuardGoesOnAlone() {
		Map<String, SimulatedCloudPlugin> onA = SimulatedCloudPlugin.priced("a1", 5.0, "a2", 1.0);
		PGSimpleDataSource nowhere = (PGSimpleDataSource) dataSource("instance-a");
		nowhere.setPortNumbers(new int[] { closedPort() });
		CloudCostGuard a = new CloudCostGuard(registry(onA), this.calls, this.clock,
				new Settings(null, null, 3.0, BudgetAction.TERMINATE, Duration.ofSeconds(5)),
				new JdbcCloudCostFleet(nowhere, JdbcPluginConfigStore.DEFAULT_TABLE_NAME, "instance-a", DROP_OUT));
		CloudCostGuard.Status status = a.check();
		assertThat(status.fleet().error()).contains("instance-a");
		assertThat(status.accruedByPlugin()).containsOnlyKeys("cloud_a1", "cloud_a2");
		assertThat(onA.get("a1").terminations).as("the budget applies to this instance alone").hasValue(1);
		assertThat(onA.get("a2").terminations).hasValue(0);
	}

	@Test
	void illegalNamesAreRejected() {
		DataSource dataSource = dataSource("instance-a");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new JdbcCloudCostFleet(dataSource, "x".repeat(60), "a", DROP_OUT))
			.withMessageContaining("_cloud_instances");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new JdbcCloudCostFleet(dataSource, "plugin_config", " ", DROP_OUT));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new JdbcCloudCostFleet(dataSource, "plugin_config", "a", Duration.ZERO));
	}

	private void assertTerminatedOnly(Map<String, SimulatedCloudPlugin> onA, Map<String, SimulatedCloudPlugin> onB,
			String... names) {
		Map<String, Integer> terminations = new LinkedHashMap<>();
		onA.forEach((name, plugin) -> terminations.put(name, plugin.terminations.get()));
		onB.forEach((name, plugin) -> terminations.put(name, plugin.terminations.get()));
		Map<String, Integer> expected = new LinkedHashMap<>();
		terminations.keySet().forEach((name) -> expected.put(name, List.of(names).contains(name) ? 1 : 0));
		assertThat(terminations).isEqualTo(expected);
	}

	private CloudCostGuard guard(String instance, Double budget, Map<String, SimulatedCloudPlugin> plugins) {
		return guard(dataSource(instance), instance, budget, plugins);
	}

	private CloudCostGuard guard(DataSource dataSource, String instance, Double budget,
			Map<String, SimulatedCloudPlugin> plugins) {
		return guard(dataSource, this.clock, instance, budget, plugins);
	}

	private CloudCostGuard guard(DataSource dataSource, java.time.Clock clock, String instance, Double budget,
			Map<String, SimulatedCloudPlugin> plugins) {
		return guard(clock, new JdbcCloudCostFleet(dataSource, JdbcPluginConfigStore.DEFAULT_TABLE_NAME, instance,
				DROP_OUT), budget, plugins);
	}

	private CloudCostGuard guard(JdbcCloudCostFleet fleet, Double budget, Map<String, SimulatedCloudPlugin> plugins) {
		return guard(this.clock, fleet, budget, plugins);
	}

	private CloudCostGuard guard(java.time.Clock clock, JdbcCloudCostFleet fleet, Double budget,
			Map<String, SimulatedCloudPlugin> plugins) {
		Settings settings = (budget != null)
				? new Settings(null, null, budget, BudgetAction.TERMINATE, Duration.ofSeconds(10))
				: Settings.accrueOnly(Duration.ofSeconds(10));
		return new CloudCostGuard(registry(plugins), this.calls, clock, settings, fleet);
	}

	/** A guard of plugins in two categories, llm and transcription. */
	private CloudCostGuard guard(String instance, Settings settings, Map<String, SimulatedCloudPlugin> llm,
			Map<String, SimulatedCloudPlugin> transcription) {
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(this.dir.resolve("r" + System.nanoTime()));
		registry.registerPluginManager("llm", TestPluginManager.of(llm));
		registry.registerPluginManager("transcription", TestPluginManager.of(transcription));
		return new CloudCostGuard(registry, this.calls, this.clock, settings, new JdbcCloudCostFleet(
				dataSource(instance), JdbcPluginConfigStore.DEFAULT_TABLE_NAME, instance, DROP_OUT));
	}

	/** A fleet member of a process named explicitly, as another JVM would be. */
	private static JdbcCloudCostFleet fleet(String instance, String process) {
		return new JdbcCloudCostFleet(dataSource(process), JdbcPluginConfigStore.DEFAULT_TABLE_NAME, instance, DROP_OUT,
				JdbcCloudCostFleet.DEFAULT_QUERY_TIMEOUT, process);
	}

	private UnifiedPluginRegistry registry(Map<String, SimulatedCloudPlugin> plugins) {
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(this.dir.resolve("r" + System.nanoTime()));
		registry.registerPluginManager("cloud", TestPluginManager.of(plugins));
		return registry;
	}

	private static DataSource dataSource(String applicationName) {
		PGSimpleDataSource dataSource = new PGSimpleDataSource();
		dataSource.setServerNames(new String[] { "localhost" });
		dataSource.setPortNumbers(new int[] { postgres.getPort() });
		dataSource.setDatabaseName("postgres");
		dataSource.setUser("postgres");
		dataSource.setApplicationName(applicationName);
		dataSource.setConnectTimeout(2);
		dataSource.setLoginTimeout(2);
		return dataSource;
	}

	/** An in-memory H2 database with the fleet's tables, made by the schema script. */
	private static DataSource h2() {
		JdbcDataSource h2 = new JdbcDataSource();
		h2.setURL("jdbc:h2:mem:fleet-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
		String location = JdbcPluginConfigStore.SCHEMA_LOCATION.replace("@@platform@@", "h2");
		new ResourceDatabasePopulator(new DefaultResourceLoader().getResource(location)).execute(h2);
		return h2;
	}

	/** The connections open to an H2 database, the one asking included. */
	private static int sessions(JdbcTemplate h2) {
		return h2.queryForObject("SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS", Integer.class);
	}

	private static int rows(String table) {
		return new JdbcTemplate(dataSource("setup")).queryForObject("SELECT COUNT(*) FROM " + table, Integer.class);
	}

	private static List<String> terminating() {
		return new JdbcTemplate(dataSource("setup")).queryForList(
				"SELECT instance_name || '/' || unique_id FROM plugin_config_cloud_resources WHERE terminating "
						+ "ORDER BY 1",
				String.class);
	}

	private static List<String> categories() {
		return new JdbcTemplate(dataSource("setup")).queryForList(
				"SELECT instance_name || '/' || unique_id || '=' || COALESCE(category, 'null') "
						+ "FROM plugin_config_cloud_resources ORDER BY 1",
				String.class);
	}

	/** Moves an instance's last heartbeat back, as if it had been silent that long. */
	private static void backdateHeartbeat(String instance, Duration by) {
		new JdbcTemplate(dataSource("setup")).update("UPDATE plugin_config_cloud_instances SET heartbeat_at = "
				+ "heartbeat_at - ? * INTERVAL '1 millisecond' WHERE instance_name = ?", by.toMillis(), instance);
	}

	private static int closedPort() {
		try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(20, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Both guards check at the same moment, each on a thread of its own. */
	private static void checkAtOnce(ExecutorService executor, CloudCostGuard a, CloudCostGuard b) throws Exception {
		CyclicBarrier barrier = new CyclicBarrier(2);
		Future<?> one = executor.submit(() -> {
			barrier.await(20, TimeUnit.SECONDS);
			return a.check();
		});
		Future<?> two = executor.submit(() -> {
			barrier.await(20, TimeUnit.SECONDS);
			return b.check();
		});
		one.get(20, TimeUnit.SECONDS);
		two.get(20, TimeUnit.SECONDS);
	}

	private ExecutorService executor() {
		ExecutorService executor = Executors.newFixedThreadPool(2);
		this.executors.add(executor);
		return executor;
	}

}
