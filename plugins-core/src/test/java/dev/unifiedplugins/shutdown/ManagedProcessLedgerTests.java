package dev.unifiedplugins.shutdown;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.unifiedplugins.config.FileSystemPluginConfigStore;
import dev.unifiedplugins.config.PluginConfigStore;
import dev.unifiedplugins.processes.ProcessIdentity;
import dev.unifiedplugins.testsupport.Await;
import dev.unifiedplugins.testsupport.ChildProcesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests for {@link ManagedProcessLedger}: where its state file goes and that the file
 * format stays the one earlier versions read and write. What it reaps, and what it never
 * touches, is in {@code OrphanReapingTests}.
 */
class ManagedProcessLedgerTests {

	@TempDir
	Path dir;

	private final ChildProcesses processes = new ChildProcesses();

	@BeforeEach
	void needsProcfs() {
		assumeTrue(ChildProcesses.hasProcfs(), "reads process state from /proc");
	}

	@AfterEach
	void killChildren() {
		this.processes.killAll();
	}

	@Test
	void stateFileKeepsTheFieldNamesEarlierVersionsRead() throws Exception {
		Process child = this.processes.startSleep();
		ManagedProcessLedger ledger = new ManagedProcessLedger(this.dir);

		ledger.record(List.of(child.pid()));

		long self = ProcessHandle.current().pid();
		JsonNode written = JsonMapper.builder().build().readTree(ledger.getFile().toFile());
		assertThat(written).isEqualTo(JsonMapper.builder().build().readTree("""
				{"owner": {"pid": %d, "startTime": %d},
				 "processes": [{"pid": %d, "startTime": %d}]}
				""".formatted(self, ChildProcesses.startMillis(self), child.pid(), ChildProcesses.startMillis(child.pid()))));
		assertThat(ledger.getFile().getFileName())
			.hasToString(".managed-processes." + self + "-" + ChildProcesses.startMillis(self) + ".json");
	}

	@Test
	void stateFileOfAnEarlierVersionIsReaped() throws Exception {
		Process orphan = this.processes.startSleep();
		long deadOwner = ChildProcesses.deadPid();
		// Byte for byte what the version before ProcessIdentity wrote.
		Path state = Files.writeString(this.dir.resolve(".managed-processes." + deadOwner + "-1000.json"),
				"{\"owner\":{\"pid\":" + deadOwner + ",\"startTime\":1000},\"processes\":[{\"pid\":" + orphan.pid()
						+ ",\"startTime\":" + ChildProcesses.startMillis(orphan.pid()) + "}]}");

		assertThat(new ManagedProcessLedger(this.dir).reapOrphans()).containsExactly(orphan.pid());

		Await.until("the orphan has ended", () -> !ChildProcesses.runs(orphan.pid()));
		assertThat(state).doesNotExist();
	}

	@Test
	void aDirectoryNotCreatedYetHasNoOrphansAndGetsTheFirstRecord() throws Exception {
		Path missing = this.dir.resolve("configs");
		ManagedProcessLedger ledger = new ManagedProcessLedger(missing);

		assertThat(ledger.reapOrphans()).isEmpty();

		ledger.record(List.of(this.processes.startSleep().pid()));
		assertThat(ledger.getFile()).exists().hasParent(missing.toAbsolutePath());
	}

	@Test
	void forAFileStoreTheStateFileIsInTheStoreDirectory() {
		Path storeDir = this.dir.resolve("store");

		ManagedProcessLedger ledger = ManagedProcessLedger.forStore(new FileSystemPluginConfigStore(storeDir),
				this.dir.resolve("elsewhere"));

		assertThat(ledger.getFile().getParent()).isEqualTo(storeDir.toAbsolutePath());
	}

	@Test
	void forAStoreWithoutFilesTheStateFileIsInTheGivenDirectory() {
		Path otherwise = this.dir.resolve("elsewhere");

		ManagedProcessLedger ledger = ManagedProcessLedger.forStore(storeWithoutFiles(), otherwise);

		assertThat(ledger.getFile().getParent()).isEqualTo(otherwise.toAbsolutePath());
	}

	/**
	 * A store that keeps no files, as a database-backed one would. The ledger only looks at
	 * its type: every call fails.
	 */
	private static PluginConfigStore storeWithoutFiles() {
		return (PluginConfigStore) Proxy.newProxyInstance(PluginConfigStore.class.getClassLoader(),
				new Class<?>[] { PluginConfigStore.class }, (proxy, method, args) -> {
					throw new UnsupportedOperationException(method.getName());
				});
	}

}
