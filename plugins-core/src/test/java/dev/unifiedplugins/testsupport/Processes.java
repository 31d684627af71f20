package dev.unifiedplugins.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Starts real processes for tests and ends all of them afterwards, whether the test passed
 * or not. Liveness is read from {@code /proc} independently of the code under test.
 */
public final class Processes {

	private final List<ProcessHandle> started = new CopyOnWriteArrayList<>();

	/**
	 * Starts {@code sh -c script}.
	 * @param script the shell script
	 * @return the process
	 */
	public Process startShell(String script) {
		try {
			Process process = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true).start();
			track(process.toHandle());
			return process;
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot start sh -c '" + script + "'", ex);
		}
	}

	/**
	 * Remembers a process so that {@link #killAll()} ends it.
	 * @param process the process
	 */
	public void track(ProcessHandle process) {
		this.started.add(process);
	}

	/**
	 * Kills every tracked process and its descendants, descendants first. The handles
	 * carry their start time, so a PID reused by another process is never touched.
	 */
	public void killAll() {
		for (ProcessHandle process : this.started) {
			process.descendants().forEach(ProcessHandle::destroyForcibly);
		}
		for (ProcessHandle process : this.started) {
			process.destroyForcibly();
		}
		for (ProcessHandle process : this.started) {
			try {
				process.onExit().get(10, TimeUnit.SECONDS);
			}
			catch (Exception ex) {
				// best effort: a zombie grandchild is reaped by init later
			}
		}
		this.started.clear();
	}

	/**
	 * Whether a process has ended: no entry in {@code /proc}, or a zombie (state Z or X).
	 * @param pid the process id
	 * @return true when it no longer runs
	 */
	public static boolean isGone(long pid) {
		return state(pid).map((state) -> state == 'Z' || state == 'X' || state == 'x').orElse(true);
	}

	/**
	 * The state letter of a process in {@code /proc/<pid>/stat}.
	 * @param pid the process id
	 * @return the state, or empty when there is no such process
	 */
	public static Optional<Character> state(long pid) {
		try {
			String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
			return Optional.of(stat.charAt(stat.lastIndexOf(')') + 2));
		}
		catch (NoSuchFileException ex) {
			return Optional.empty();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot read /proc/" + pid + "/stat", ex);
		}
	}

	/**
	 * Whether this machine has a Linux-style {@code /proc}.
	 * @return true when {@code /proc/self/stat} is readable
	 */
	public static boolean hasProcfs() {
		return Files.isReadable(Path.of("/proc/self/stat"));
	}

}
