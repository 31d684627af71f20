package dev.unifiedplugins.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Real child processes for tests: helper JVMs on the test class path, plain {@code sleep}
 * processes and shell scripts. Everything started or {@linkplain #track tracked} is
 * killed with SIGKILL, descendants first, by {@link #killAll()}, which tests call from
 * {@code @AfterEach}, so nothing outlives a failed test. A process is identified by its PID
 * and start time, so a PID reused by an unrelated process is never touched.
 * <p>
 * Whether a process runs is read from {@code /proc}, independently of the code under test.
 */
public final class ChildProcesses {

	private final List<ProcessHandle> tracked = new CopyOnWriteArrayList<>();

	/**
	 * Starts a main class of the test class path in a new JVM, its standard error merged
	 * into its standard output.
	 */
	public ChildJvm startJvm(Class<?> mainClass, String... args) throws IOException {
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m", "-cp",
				System.getProperty("java.class.path"), mainClass.getName()));
		command.addAll(List.of(args));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		track(process.toHandle());
		return new ChildJvm(process);
	}

	/** Starts {@code sleep 300}, which nothing ends but a signal. */
	public Process startSleep() throws IOException {
		Process process = new ProcessBuilder("sleep", "300").redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.redirectErrorStream(true)
			.start();
		track(process.toHandle());
		return process;
	}

	/** Starts {@code sh -c script}, its standard error merged into its standard output. */
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

	/** Remembers a process (by PID and start time) so that {@link #killAll()} ends it. */
	public void track(long pid) {
		ProcessHandle.of(pid).ifPresent(this::track);
	}

	public void track(ProcessHandle process) {
		this.tracked.add(process);
	}

	/**
	 * SIGKILLs every tracked process that is still the process it was, and its
	 * descendants, and waits for each.
	 */
	public void killAll() {
		// Descendants first: once their parent is dead they can no longer be found from it.
		for (ProcessHandle process : this.tracked) {
			if (isSameProcess(process)) {
				process.descendants().forEach(ProcessHandle::destroyForcibly);
				process.destroyForcibly();
			}
		}
		// A killed grandchild stays a zombie until init reaps it, but it no longer runs.
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (this.tracked.stream().anyMatch((process) -> runs(process.pid()) && isSameProcess(process))
				&& System.nanoTime() - deadline < 0) {
			try {
				Thread.sleep(10);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		this.tracked.clear();
	}

	private static boolean isSameProcess(ProcessHandle process) {
		Optional<Instant> started = process.info().startInstant();
		return process.isAlive() && ProcessHandle.of(process.pid())
			.flatMap((now) -> now.info().startInstant())
			.equals(started);
	}

	/** The start time of a process in epoch milliseconds, as the process ledger records it. */
	public static long startMillis(long pid) {
		return ProcessHandle.of(pid)
			.flatMap((process) -> process.info().startInstant())
			.map(Instant::toEpochMilli)
			.orElseThrow(() -> new AssertionError("Process " + pid + " has no start time"));
	}

	/** Whether a process runs: it has an entry in {@code /proc} and is not a zombie. */
	public static boolean runs(long pid) {
		return state(pid).map((state) -> state != 'Z' && state != 'X' && state != 'x').orElse(false);
	}

	/**
	 * The state letter of a process in {@code /proc/<pid>/stat}.
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
			// "No such process": it ended between opening and reading its stat file.
			if (Files.exists(Path.of("/proc", Long.toString(pid)))) {
				throw new IllegalStateException("Cannot read /proc/" + pid + "/stat", ex);
			}
			return Optional.empty();
		}
	}

	/** Whether this machine has a Linux-style {@code /proc}. */
	public static boolean hasProcfs() {
		return Files.isReadable(Path.of("/proc/self/stat"));
	}

	/** A PID that belonged to a process that has ended. */
	public static long deadPid() throws Exception {
		Process process = new ProcessBuilder("true").start();
		if (!process.waitFor(Await.BOUND.toSeconds(), TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new AssertionError("'true' did not exit");
		}
		return process.pid();
	}

	/** A helper JVM whose output lines are collected as they come. */
	public static final class ChildJvm {

		private final Process process;

		private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

		private final StringBuffer transcript = new StringBuffer();

		private final Thread reader;

		ChildJvm(Process process) {
			this.process = process;
			this.reader = new Thread(() -> {
				try (BufferedReader in = new BufferedReader(
						new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
					String line;
					while ((line = in.readLine()) != null) {
						this.transcript.append(line).append('\n');
						this.lines.add(line);
					}
				}
				catch (IOException ex) {
					// the process was killed
				}
			}, "child-jvm-output-" + process.pid());
			this.reader.setDaemon(true);
			this.reader.start();
		}

		public long pid() {
			return this.process.pid();
		}

		/** Waits for the first output line that starts with a prefix and returns it. */
		public String awaitLine(String prefix) throws InterruptedException {
			long deadline = System.nanoTime() + Await.BOUND.toNanos();
			while (System.nanoTime() - deadline < 0) {
				String line = this.lines.poll(100, TimeUnit.MILLISECONDS);
				if (line != null) {
					if (line.startsWith(prefix)) {
						return line;
					}
				}
				else if (!this.process.isAlive()) {
					this.reader.join(2000);
					if (this.lines.isEmpty()) {
						break;
					}
				}
			}
			throw new AssertionError("Child JVM " + pid() + " printed no line starting with '" + prefix + "' (alive: "
					+ this.process.isAlive() + "); its output:\n" + this.transcript);
		}

		/** Kills the JVM with SIGKILL and waits until it is gone. */
		public void kill9() throws InterruptedException {
			this.process.destroyForcibly();
			if (!this.process.waitFor(Await.BOUND.toSeconds(), TimeUnit.SECONDS)) {
				throw new AssertionError("Child JVM " + pid() + " survived SIGKILL");
			}
		}

		public String transcript() {
			return this.transcript.toString();
		}

	}

}
