package dev.unifiedplugins.processes;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A lazy process table, which reads only the processes it is asked about, finds the same
 * live trees as a full snapshot.
 */
class ProcessTableTests {

	private Process shell;

	@AfterEach
	void kill() throws InterruptedException {
		if (this.shell != null) {
			this.shell.descendants().forEach(ProcessHandle::destroyForcibly);
			this.shell.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
		}
	}

	@Test
	void lazyTableFindsTheSameTreeAsASnapshot() throws Exception {
		this.shell = new ProcessBuilder("sh", "-c", "sleep 300 & sleep 300 & wait").start();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (this.shell.descendants().count() < 2 && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		List<Long> roots = List.of(this.shell.pid());
		List<Long> fromSnapshot = ProcessTable.snapshot().withLiveDescendants(roots);
		assertThat(fromSnapshot).hasSize(3).startsWith(this.shell.pid());
		assertThat(ProcessTable.lazy().withLiveDescendants(roots)).containsExactlyInAnyOrderElementsOf(fromSnapshot);
	}

	@Test
	void lazyTableLeavesOutProcessesThatEnded() throws Exception {
		Process ended = new ProcessBuilder("true").start();
		ended.waitFor(5, TimeUnit.SECONDS);
		ProcessTable table = ProcessTable.lazy();
		assertThat(table.isAlive(ended.pid())).isFalse();
		assertThat(table.withLiveDescendants(List.of(ended.pid()))).isEmpty();
		assertThat(table.isAlive(ProcessHandle.current().pid())).isTrue();
	}

}
