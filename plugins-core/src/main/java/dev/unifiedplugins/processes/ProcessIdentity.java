package dev.unifiedplugins.processes;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One process, told apart from any later process that reuses its PID by its start time.
 * Whatever ends processes it did not start checks this identity first, so that it never
 * signals an unrelated process that merely got a recorded PID.
 * <p>
 * A zombie (or dead) process does not run, as {@link ProcessTable} decides.
 *
 * @param pid the process id
 * @param startMillis when the process started, in epoch milliseconds as
 * {@link ProcessHandle.Info#startInstant()} reports it
 */
public record ProcessIdentity(long pid, long startMillis) {

	/**
	 * Creates an identity.
	 * @param pid the process id, positive
	 * @param startMillis the start time in epoch milliseconds
	 */
	public ProcessIdentity {
		if (pid <= 0) {
			throw new IllegalArgumentException("pid must be positive, was " + pid);
		}
	}

	/**
	 * The process that has a PID now.
	 * @param pid the process id
	 * @return its identity, or empty when no such process runs (a zombie does not) or the
	 * operating system hides its start time
	 */
	public static Optional<ProcessIdentity> of(long pid) {
		return (pid > 0) ? ProcessHandle.of(pid).flatMap(ProcessIdentity::of) : Optional.empty();
	}

	/**
	 * The current process.
	 * @return its identity
	 * @throws IllegalStateException when the operating system hides its start time (Linux,
	 * macOS and Windows report it)
	 */
	public static ProcessIdentity current() {
		return of(ProcessHandle.current()).orElseThrow(
				() -> new IllegalStateException("The start time of this process (PID " + ProcessHandle.current().pid()
						+ ") is not available, so it cannot be told apart from a later process with its PID"));
	}

	private static Optional<ProcessIdentity> of(ProcessHandle process) {
		if (!ProcessTable.isRunning(process.pid())) {
			return Optional.empty();
		}
		return process.info().startInstant().map((start) -> new ProcessIdentity(process.pid(), start.toEpochMilli()));
	}

	/**
	 * Whether this process still runs: its PID belongs to a live process, not a zombie,
	 * that started at {@link #startMillis()}.
	 * @return true when it runs
	 */
	public boolean isRunning() {
		return handle().isPresent();
	}

	/**
	 * A handle on this process while it runs. The handle keeps the start time it was taken
	 * with, and the JDK signals it only while its PID still belongs to that process.
	 */
	private Optional<ProcessHandle> handle() {
		return ProcessHandle.of(this.pid).filter((process) -> of(process).filter(this::equals).isPresent());
	}

	/**
	 * Ends the given processes that still run: asks each to terminate (SIGTERM), waits up to
	 * a grace period for them to exit, then kills those still running (SIGKILL). A process
	 * that ended already, or whose PID now belongs to another process, is left alone, and so
	 * is the current process.
	 * @param processes the processes to end
	 * @param grace how long they may take to exit by themselves
	 * @return the processes that were running and were signalled, in the given order
	 */
	public static List<ProcessIdentity> end(Collection<ProcessIdentity> processes, Duration grace) {
		Objects.requireNonNull(processes, "processes must not be null");
		Objects.requireNonNull(grace, "grace must not be null");
		long self = ProcessHandle.current().pid();
		Map<ProcessIdentity, ProcessHandle> running = new LinkedHashMap<>();
		for (ProcessIdentity process : processes) {
			// The JDK refuses to signal the current process; a plugin reporting it is a bug
			// the application must survive.
			if (process.pid() != self) {
				process.handle().ifPresent((handle) -> running.put(process, handle));
			}
		}
		if (running.isEmpty()) {
			return List.of();
		}
		running.values().forEach(ProcessHandle::destroy);
		long deadline = System.nanoTime() + grace.toNanos();
		while (System.nanoTime() - deadline < 0 && running.keySet().stream().anyMatch(ProcessIdentity::isRunning)) {
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				// Stop waiting but keep the flag: what still runs is killed below.
				Thread.currentThread().interrupt();
				break;
			}
		}
		running.forEach((process, handle) -> {
			if (process.isRunning()) {
				handle.destroyForcibly();
			}
		});
		return List.copyOf(running.keySet());
	}

}
