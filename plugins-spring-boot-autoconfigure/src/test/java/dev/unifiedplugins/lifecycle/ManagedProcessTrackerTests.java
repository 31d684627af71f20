package dev.unifiedplugins.lifecycle;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.unifiedplugins.concurrent.BoundedCalls;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.inspection.PluginInspector;
import dev.unifiedplugins.shutdown.ManagedProcessLedger;
import dev.unifiedplugins.testsupport.Await;
import dev.unifiedplugins.testsupport.ChildProcesses;
import dev.unifiedplugins.testsupport.TestPluginManager;
import dev.unifiedplugins.testsupport.TestPlugins;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests for {@link ManagedProcessTracker}, with real {@code sleep} processes and a real
 * registry, inspector and ledger.
 */
class ManagedProcessTrackerTests {

	private static final Duration INTERVAL = Duration.ofMillis(100);

	@TempDir
	Path dir;

	private final ChildProcesses processes = new ChildProcesses();

	private final BoundedCalls calls = new BoundedCalls("test-call-", 4);

	/** What the one plugin manages, changed by the tests while the tracker runs. */
	private final List<Long> managed = new CopyOnWriteArrayList<>();

	private ManagedProcessLedger ledger;

	private PluginInspector inspector;

	private ManagedProcessTracker tracker;

	@BeforeEach
	void setUp() {
		assumeTrue(ChildProcesses.hasProcfs(), "reads process state from /proc");
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(this.dir);
		registry.registerPluginManager("workers",
				TestPluginManager.of(Map.of("sleeper", new TestPlugins.Lifecycle(() -> List.copyOf(this.managed)))));
		this.inspector = new PluginInspector(registry, this.calls, Duration.ofSeconds(5));
		this.ledger = new ManagedProcessLedger(this.dir);
	}

	@AfterEach
	void tearDown() {
		if (this.tracker != null) {
			this.tracker.stop();
		}
		this.calls.close();
		this.processes.killAll();
	}

	@Test
	void startEndsTheProcessesOfAnOwnerThatDied() throws Exception {
		Process orphan = this.processes.startSleep();
		Path state = writeStateOfDeadOwner(orphan.pid());

		start(true);

		Await.until("the orphan has ended", () -> !ChildProcesses.runs(orphan.pid()));
		assertThat(state).doesNotExist();
	}

	@Test
	void startWithoutReapingLeavesThemRunning() throws Exception {
		Process orphan = this.processes.startSleep();
		Path state = writeStateOfDeadOwner(orphan.pid());

		start(false);

		assertThat(ChildProcesses.runs(orphan.pid())).isTrue();
		assertThat(state).exists();
	}

	@Test
	void recordsTheLiveManagedProcessesEveryInterval() throws Exception {
		Process first = this.processes.startSleep();
		this.managed.add(first.pid());
		start(true);
		Await.until("the first process is recorded", () -> recordedPids().contains(first.pid()));

		Process second = this.processes.startSleep();
		this.managed.add(second.pid());
		Await.until("the second process is recorded", () -> recordedPids().contains(second.pid()));

		first.destroyForcibly().waitFor();
		Await.until("the ended process is dropped", () -> recordedPids().equals(List.of(second.pid())));
	}

	@Test
	void stopDeletesTheRecordAndRecordsNoMore() throws Exception {
		this.managed.add(this.processes.startSleep().pid());
		start(true);
		Await.until("the process is recorded", () -> Files.exists(this.ledger.getFile()));

		this.tracker.stop();

		assertThat(this.tracker.isRunning()).isFalse();
		assertThat(this.ledger.getFile()).doesNotExist();
		Thread.sleep(3 * INTERVAL.toMillis());
		assertThat(this.ledger.getFile()).as("recorded after stop").doesNotExist();
	}

	private void start(boolean reapOrphans) {
		this.tracker = new ManagedProcessTracker(this.ledger, this.inspector, INTERVAL, reapOrphans);
		this.tracker.start();
		assertThat(this.tracker.isRunning()).isTrue();
	}

	/** A state file as an instance that was killed leaves it, in the format every version reads. */
	private Path writeStateOfDeadOwner(long pid) throws Exception {
		long owner = ChildProcesses.deadPid();
		return Files.writeString(this.dir.resolve(".managed-processes." + owner + "-1000.json"),
				"{\"owner\":{\"pid\":" + owner + ",\"startTime\":1000},\"processes\":[{\"pid\":" + pid
						+ ",\"startTime\":" + ChildProcesses.startMillis(pid) + "}]}");
	}

	private List<Long> recordedPids() {
		Path file = this.ledger.getFile();
		if (!Files.exists(file)) {
			return List.of();
		}
		List<Long> pids = new ArrayList<>();
		for (JsonNode process : JsonMapper.builder().build().readTree(file.toFile()).get("processes")) {
			pids.add(process.get("pid").asLong());
		}
		return pids;
	}

}
