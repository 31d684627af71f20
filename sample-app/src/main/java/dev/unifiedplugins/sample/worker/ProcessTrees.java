package dev.unifiedplugins.sample.worker;

import java.time.Duration;
import java.util.List;

import dev.unifiedplugins.processes.ProcessTable;

/**
 * Ends process trees within a bounded time.
 */
public final class ProcessTrees {

	/** How long to wait for processes to go after they were killed. */
	private static final Duration KILL_WAIT = Duration.ofSeconds(2);

	private static final long POLL_MILLIS = 50;

	private ProcessTrees() {
	}

	/**
	 * Ends a process and all its descendants. The descendants go first: once their parent
	 * is dead they are re-parented and can no longer be found from it. Each group is asked
	 * to stop (SIGTERM), given the grace period, then killed (SIGKILL) if it is still there.
	 * Returns within about twice {@code grace} plus a few seconds.
	 * @param process the root of the tree
	 * @param grace how long each group may take to stop by itself
	 * @return whether every process of the tree is gone; zombies count as gone
	 */
	public static boolean terminate(ProcessHandle process, Duration grace) {
		boolean descendantsEnded = end(process.descendants().toList(), grace);
		return end(List.of(process), grace) && descendantsEnded;
	}

	/**
	 * Whether a process runs: it is alive, it is still the process the handle was taken
	 * for, and it is not a zombie.
	 * @param process the process
	 * @return true when it runs
	 */
	public static boolean isRunning(ProcessHandle process) {
		// isAlive() checks the start time, so a reused PID is not mistaken for ours, but it
		// is true for a zombie, which ProcessTable sees through.
		return process.isAlive() && ProcessTable.isRunning(process.pid());
	}

	private static boolean end(List<ProcessHandle> processes, Duration grace) {
		if (processes.isEmpty()) {
			return true;
		}
		processes.forEach(ProcessHandle::destroy);
		List<ProcessHandle> survivors = awaitExit(processes, grace);
		if (survivors.isEmpty()) {
			return true;
		}
		survivors.forEach(ProcessHandle::destroyForcibly);
		return awaitExit(survivors, KILL_WAIT).isEmpty();
	}

	private static List<ProcessHandle> awaitExit(List<ProcessHandle> processes, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		List<ProcessHandle> running = running(processes);
		while (!running.isEmpty() && System.nanoTime() - deadline < 0) {
			try {
				Thread.sleep(POLL_MILLIS);
			}
			catch (InterruptedException ex) {
				// Stop waiting but keep the flag: the caller still kills what is left.
				Thread.currentThread().interrupt();
				return running(running);
			}
			running = running(running);
		}
		return running;
	}

	private static List<ProcessHandle> running(List<ProcessHandle> processes) {
		return processes.stream().filter(ProcessTrees::isRunning).toList();
	}

}
