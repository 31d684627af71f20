package dev.unifiedplugins.reliability;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.unifiedplugins.shutdown.ManagedProcessLedger;
import dev.unifiedplugins.testsupport.Await;
import dev.unifiedplugins.testsupport.ChildProcesses;
import dev.unifiedplugins.testsupport.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link ManagedProcessLedger}: the state files a crashed application leaves behind end its
 * orphan processes at the next start, and nothing else: not a process whose PID was
 * reused, not the processes of an owner that still runs. Real {@code sleep} processes; the
 * state files of dead owners are written the way a crashed run leaves them (the crash of a
 * real JVM is in the autoconfigure module's {@code OrphanProcessTests}).
 */
class OrphanReapingTests {

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
	void processesOfADeadOwnerAreEndedLoggedAndItsStateFileRemoved() throws Exception {
		Process orphan = this.processes.startSleep();
		Path state = writeState(ChildProcesses.deadPid(), 1_000L, orphan.pid(), ChildProcesses.startMillis(orphan.pid()));

		List<Long> ended;
		try (LogCapture log = LogCapture.start()) {
			ended = new ManagedProcessLedger(this.dir).reapOrphans();
			assertThat(log.text()).contains(Long.toString(orphan.pid()));
		}

		assertThat(ended).containsExactly(orphan.pid());
		Await.until("the orphan has ended", () -> !ChildProcesses.runs(orphan.pid()));
		assertThat(state).doesNotExist();
	}

	@Test
	void aProcessWhosePidWasReusedIsNeverKilled() throws Exception {
		Process stranger = this.processes.startSleep();
		// The record says this PID started 5 s before the process that has it now: another
		// process that merely got the same PID.
		Path state = writeState(ChildProcesses.deadPid(), 1_000L, stranger.pid(),
				ChildProcesses.startMillis(stranger.pid()) - 5_000);

		List<Long> ended = new ManagedProcessLedger(this.dir).reapOrphans();

		assertThat(ended).isEmpty();
		assertThat(ChildProcesses.runs(stranger.pid())).isTrue();
		assertThat(state).as("the dead owner's record is done with").doesNotExist();
	}

	@Test
	void anOwnerWhosePidWasReusedCountsAsDead() throws Exception {
		Process orphan = this.processes.startSleep();
		long self = ProcessHandle.current().pid();
		// Our own PID, but a start time that is not ours: the owner was an earlier process.
		writeState(self, ChildProcesses.startMillis(self) - 60_000, orphan.pid(),
				ChildProcesses.startMillis(orphan.pid()));

		assertThat(new ManagedProcessLedger(this.dir).reapOrphans()).containsExactly(orphan.pid());
		Await.until("the orphan has ended", () -> !ChildProcesses.runs(orphan.pid()));
	}

	@Test
	void processesOfAnOwnerThatStillRunsAreNeverTouched() throws Exception {
		// A second instance on the same config dir, represented by a live process.
		Process otherInstance = this.processes.startSleep();
		Process itsChild = this.processes.startSleep();
		Path state = writeState(otherInstance.pid(), ChildProcesses.startMillis(otherInstance.pid()), itsChild.pid(),
				ChildProcesses.startMillis(itsChild.pid()));

		List<Long> ended = new ManagedProcessLedger(this.dir).reapOrphans();

		assertThat(ended).isEmpty();
		assertThat(ChildProcesses.runs(itsChild.pid())).isTrue();
		assertThat(state).exists();
	}

	@Test
	void ownRecordIsNotReapedAndIsRemovedByClear() throws Exception {
		Process child = this.processes.startSleep();
		ManagedProcessLedger ledger = new ManagedProcessLedger(this.dir);
		ledger.record(List.of(child.pid()));

		assertThat(ledger.getFile()).exists();
		assertThat(ledger.getFile().getFileName().toString())
			.startsWith(".managed-processes." + ProcessHandle.current().pid() + "-")
			.endsWith(".json");
		assertThat(Files.readString(ledger.getFile())).contains("\"pid\":" + child.pid());
		assertThat(new ManagedProcessLedger(this.dir).reapOrphans()).isEmpty();
		assertThat(ChildProcesses.runs(child.pid())).isTrue();

		ledger.clear();
		assertThat(ledger.getFile()).doesNotExist();
	}

	@Test
	void aFailedWriteIsRetriedAtTheNextRecord() throws Exception {
		Process child = this.processes.startSleep();
		ManagedProcessLedger ledger = new ManagedProcessLedger(this.dir);
		// A non-empty directory where the state file goes makes the rename fail, even for root.
		Path blocker = Files.createDirectories(ledger.getFile().resolve("blocked"));
		ledger.record(List.of(child.pid()));
		assertThat(Files.isDirectory(ledger.getFile())).isTrue();

		Files.delete(blocker);
		Files.delete(ledger.getFile());
		ledger.record(List.of(child.pid()));

		assertThat(Files.readString(ledger.getFile())).contains("\"pid\":" + child.pid());
		try (var files = Files.list(this.dir)) {
			assertThat(files.map((file) -> file.getFileName().toString())).as("no temp file is left")
				.allSatisfy((name) -> assertThat(name).doesNotEndWith(".tmp"));
		}
	}

	@Test
	void anUnreadableStateFileDoesNotStopTheOthers() throws Exception {
		Process orphan = this.processes.startSleep();
		Files.writeString(this.dir.resolve(".managed-processes.1-2.json"), "{not json");
		writeState(ChildProcesses.deadPid(), 1_000L, orphan.pid(), ChildProcesses.startMillis(orphan.pid()));

		assertThat(new ManagedProcessLedger(this.dir).reapOrphans()).containsExactly(orphan.pid());
	}

	private Path writeState(long ownerPid, long ownerStart, long pid, long start) throws Exception {
		Path file = this.dir.resolve(".managed-processes." + ownerPid + "-" + ownerStart + ".json");
		Files.writeString(file, "{\"owner\":{\"pid\":" + ownerPid + ",\"startTime\":" + ownerStart
				+ "},\"processes\":[{\"pid\":" + pid + ",\"startTime\":" + start + "}]}");
		return file;
	}

}
