package dev.unifiedplugins.processes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One pass over the operating system's process table: which processes are alive and who
 * their parents are. Taking one snapshot and asking it about many plugins costs one pass,
 * not one per plugin.
 * <p>
 * A zombie (or dead) process counts as dead: {@link ProcessHandle#isAlive()} says true
 * for one, so on Linux the state letter in {@code /proc/<pid>/stat} decides.
 */
public final class ProcessTable {

	private static final Path PROC = Path.of("/proc");

	private static final boolean PROCFS = Files.isReadable(PROC.resolve("self/stat"));

	/** Whether each process lists its children in /proc/PID/task/TID/children. */
	private static final boolean CHILDREN_FILES = PROCFS
			&& Files.isReadable(PROC.resolve("self/task").resolve(Long.toString(ProcessHandle.current().pid()))
				.resolve("children"));

	private final Set<Long> alive;

	private final Map<Long, List<Long>> children;

	/** True for a table that reads each process on first use instead of all at once. */
	private final boolean lazy;

	private ProcessTable(Set<Long> alive, Map<Long, List<Long>> children, boolean lazy) {
		this.alive = alive;
		this.children = children;
		this.lazy = lazy;
	}

	private ProcessTable(Set<Long> alive, Map<Long, List<Long>> children) {
		this(alive, children, false);
	}

	/**
	 * A table that reads only the processes it is asked about, each at most once, and
	 * remembers what it read: for a request that looks at a few process trees on a host
	 * running many processes, far less than a full {@link #snapshot()}. Where Linux does
	 * not list children per process, this is a full snapshot. Thread-safe.
	 * @return the table
	 */
	public static ProcessTable lazy() {
		return CHILDREN_FILES ? new ProcessTable(ConcurrentHashMap.newKeySet(), new ConcurrentHashMap<>(), true)
				: snapshot();
	}

	/**
	 * Reads the process table now.
	 * @return the snapshot
	 */
	public static ProcessTable snapshot() {
		return PROCFS ? readProcfs() : readProcessHandles();
	}

	/**
	 * Whether a process is alive and not a zombie, checked now without a full snapshot.
	 * @param pid the process id
	 * @return true when it runs
	 */
	public static boolean isRunning(long pid) {
		if (PROCFS) {
			return readStat(pid).map((stat) -> !stat.dead()).orElse(false);
		}
		return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
	}

	/**
	 * Whether the process was alive, and not a zombie, when the snapshot was taken.
	 * @param pid the process id
	 * @return true when it was alive
	 */
	public boolean isAlive(long pid) {
		if (this.lazy) {
			// Dead processes are not cached: asking about them is rare and cheap.
			if (this.alive.contains(pid)) {
				return true;
			}
			boolean running = isRunning(pid);
			if (running) {
				this.alive.add(pid);
			}
			return running;
		}
		return this.alive.contains(pid);
	}

	private List<Long> childrenOf(long pid) {
		if (!this.lazy) {
			return this.children.getOrDefault(pid, List.of());
		}
		return this.children.computeIfAbsent(pid, ProcessTable::readChildren);
	}

	private static List<Long> readChildren(long pid) {
		// A child is listed under the thread that started it, so every task is read.
		List<Long> result = new ArrayList<>(2);
		try (DirectoryStream<Path> tasks = Files.newDirectoryStream(PROC.resolve(Long.toString(pid)).resolve("task"))) {
			for (Path task : tasks) {
				String listed;
				try {
					listed = Files.readString(task.resolve("children"), StandardCharsets.US_ASCII);
				}
				catch (IOException ex) {
					continue;
				}
				int start = 0;
				for (int i = 0; i <= listed.length(); i++) {
					if (i == listed.length() || listed.charAt(i) == ' ' || listed.charAt(i) == '\n') {
						if (i > start) {
							result.add(Long.parseLong(listed, start, i, 10));
						}
						start = i + 1;
					}
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// The process ended: it has no children to report.
		}
		return result;
	}

	/**
	 * The live processes among the given roots and all their live descendants, each once,
	 * roots first in their given order.
	 * @param roots the process ids to start from
	 * @return the live PIDs, never null
	 */
	public List<Long> withLiveDescendants(Collection<Long> roots) {
		if (roots.isEmpty()) {
			return List.of();
		}
		Set<Long> result = new LinkedHashSet<>();
		Deque<Long> pending = new ArrayDeque<>();
		for (Long root : roots) {
			if (root != null && isAlive(root) && result.add(root)) {
				pending.add(root);
			}
		}
		while (!pending.isEmpty()) {
			for (Long child : childrenOf(pending.poll())) {
				// A dead intermediate still links a live grandchild only until it is reaped; we
				// follow the links as they are now and report only live processes.
				if (result.add(child)) {
					pending.add(child);
				}
			}
		}
		result.removeIf((pid) -> !isAlive(pid));
		return List.copyOf(result);
	}

	private static ProcessTable readProcfs() {
		Set<Long> alive = new HashSet<>();
		Map<Long, List<Long>> children = new HashMap<>();
		try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC)) {
			for (Path entry : entries) {
				long pid = parsePid(entry.getFileName().toString());
				if (pid <= 0) {
					continue;
				}
				readStat(pid).ifPresent((stat) -> {
					if (!stat.dead()) {
						alive.add(pid);
					}
					children.computeIfAbsent(stat.parent(), (key) -> new ArrayList<>(2)).add(pid);
				});
			}
		}
		catch (IOException ex) {
			return readProcessHandles();
		}
		return new ProcessTable(alive, children);
	}

	private static ProcessTable readProcessHandles() {
		Set<Long> alive = new HashSet<>();
		Map<Long, List<Long>> children = new HashMap<>();
		ProcessHandle.allProcesses().forEach((process) -> {
			if (process.isAlive()) {
				alive.add(process.pid());
			}
			process.parent()
				.ifPresent((parent) -> children.computeIfAbsent(parent.pid(), (key) -> new ArrayList<>(2))
					.add(process.pid()));
		});
		return new ProcessTable(alive, children);
	}

	private static long parsePid(String name) {
		long pid = 0;
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			if (c < '0' || c > '9' || i > 18) {
				return -1;
			}
			pid = pid * 10 + (c - '0');
		}
		return pid;
	}

	private static Optional<Stat> readStat(long pid) {
		try {
			String stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.UTF_8);
			// The command name in parentheses may itself contain spaces and parentheses.
			int end = stat.lastIndexOf(')');
			if (end < 0 || end + 4 >= stat.length()) {
				return Optional.empty();
			}
			char state = stat.charAt(end + 2);
			int parentStart = end + 4;
			int parentEnd = stat.indexOf(' ', parentStart);
			long parent = Long.parseLong(stat, parentStart, (parentEnd < 0) ? stat.length() : parentEnd, 10);
			return Optional.of(new Stat(state == 'Z' || state == 'X' || state == 'x', parent));
		}
		catch (IOException | RuntimeException ex) {
			// The process ended between listing and reading.
			return Optional.empty();
		}
	}

	private record Stat(boolean dead, long parent) {
	}

}
