package dev.unifiedplugins.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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
 * Tests for {@link ManagedProcessLedger}: the file format stays the one earlier versions
 * read and write. What it reaps, and what it never
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

}
