package dev.unifiedplugins.shutdown;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.unifiedplugins.config.AtomicFiles;
import dev.unifiedplugins.config.FileSystemPluginConfigStore;
import dev.unifiedplugins.config.PluginConfigStore;
import dev.unifiedplugins.processes.ProcessIdentity;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Remembers, in a small state file in the config directory, the plugin processes this
 * application has seen, so that a later start can end those left behind by a crash
 * (kill -9 skips every cleanup).
 * <p>
 * Each application instance writes its own file, named after its PID and start time, and
 * records each process with its start time: a PID reused by an unrelated process is never
 * mistaken for ours. At start, {@link #reapOrphans()} reads the files of owners that no
 * longer run and ends their processes that still run; the files of owners still running,
 * such as a second instance on the same directory, are never touched.
 */
public final class ManagedProcessLedger {

	private static final System.Logger logger = System.getLogger(ManagedProcessLedger.class.getName());

	private static final String PREFIX = ".managed-processes.";

	private static final String SUFFIX = ".json";

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private static final Duration GRACE = Duration.ofSeconds(2);

	private final Path dir;

	private final ProcessIdentity owner;

	private final Path file;

	/** The recorded processes by PID. */
	private final Map<Long, ProcessIdentity> recorded = new LinkedHashMap<>();

	/**
	 * Creates the ledger of the current process.
	 * @param dir the directory of the state files, usually the config directory
	 */
	public ManagedProcessLedger(Path dir) {
		this.dir = Objects.requireNonNull(dir, "dir must not be null").toAbsolutePath().normalize();
		this.owner = ProcessIdentity.current();
		this.file = this.dir.resolve(PREFIX + this.owner.pid() + "-" + this.owner.startMillis() + SUFFIX);
	}

	/**
	 * Creates the ledger of the current process for an application whose configurations
	 * are kept in a store: in the store's directory when it keeps files, so that the ledger
	 * is where the configurations are whichever way the store was made; else, as with a
	 * database, in {@code otherwiseDir}. PIDs mean something on one host only, so the
	 * ledger stays on local disk even when the store is shared between hosts.
	 * @param store the application's config store
	 * @param otherwiseDir the directory of the state files when the store keeps no files
	 * @return the ledger
	 */
	public static ManagedProcessLedger forStore(PluginConfigStore store, Path otherwiseDir) {
		Objects.requireNonNull(store, "store must not be null");
		Objects.requireNonNull(otherwiseDir, "otherwiseDir must not be null");
		return new ManagedProcessLedger(
				(store instanceof FileSystemPluginConfigStore files) ? files.getDirectory() : otherwiseDir);
	}

	/** {@return the state file of this application instance, which exists once a process was recorded} */
	public Path getFile() {
		return this.file;
	}

	/**
	 * Records the processes plugins manage now. Processes recorded before that have ended
	 * are dropped. The file is rewritten, atomically and only when the set changed.
	 * @param pids the live PIDs plugins manage
	 */
	public synchronized void record(Collection<Long> pids) {
		Objects.requireNonNull(pids, "pids must not be null");
		Map<Long, ProcessIdentity> next = new LinkedHashMap<>();
		this.recorded.forEach((pid, process) -> {
			if (process.isRunning()) {
				next.put(pid, process);
			}
		});
		for (Long pid : pids) {
			if (pid != null && !next.containsKey(pid)) {
				ProcessIdentity.of(pid).ifPresent((process) -> next.put(pid, process));
			}
		}
		// Only a record that reached the disk counts: after a failed write the next call
		// tries again.
		if (!next.equals(this.recorded) && write(next.values())) {
			this.recorded.clear();
			this.recorded.putAll(next);
		}
	}

	/** Forgets every process and removes this instance's state file, after a clean shutdown. */
	public synchronized void clear() {
		this.recorded.clear();
		try {
			Files.deleteIfExists(this.file);
		}
		catch (IOException ex) {
			logger.log(System.Logger.Level.WARNING, "Cannot delete process state file " + this.file, ex);
		}
	}

	/**
	 * Ends the processes recorded by owners that no longer run, when they are still the
	 * same processes, and removes those owners' state files.
	 * @return the PIDs that were ended
	 */
	public List<Long> reapOrphans() {
		List<Long> ended = new ArrayList<>();
		// A store that keeps no files leaves the directory to the first record: no
		// directory, no state file.
		if (!Files.isDirectory(this.dir)) {
			return ended;
		}
		try (DirectoryStream<Path> files = Files.newDirectoryStream(this.dir, PREFIX + "*" + SUFFIX)) {
			for (Path state : files) {
				if (!state.equals(this.file)) {
					ended.addAll(reap(state));
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read process state files in " + this.dir, ex);
		}
		return ended;
	}

	private List<Long> reap(Path state) {
		State recordedState;
		try {
			recordedState = MAPPER.readValue(state.toFile(), State.class);
		}
		catch (JacksonException ex) {
			logger.log(System.Logger.Level.WARNING, "Ignoring unreadable process state file " + state, ex);
			return List.of();
		}
		if (recordedState.owner() == null || recordedState.processes() == null) {
			return List.of();
		}
		ProcessIdentity previous = recordedState.owner().identity();
		if (previous.isRunning()) {
			return List.of();
		}
		List<ProcessIdentity> processes = recordedState.processes()
			.stream()
			.filter(Objects::nonNull)
			.map(StoredProcess::identity)
			.toList();
		List<Long> ended = ProcessIdentity.end(processes, GRACE).stream().map(ProcessIdentity::pid).toList();
		if (!ended.isEmpty()) {
			logger.log(System.Logger.Level.WARNING, "Ended " + ended.size() + " plugin process(es) " + ended
					+ " left running by application process " + previous.pid() + ", which ended without cleanup");
		}
		try {
			Files.deleteIfExists(state);
		}
		catch (IOException ex) {
			logger.log(System.Logger.Level.WARNING, "Cannot delete process state file " + state, ex);
		}
		return ended;
	}

	private boolean write(Collection<ProcessIdentity> processes) {
		byte[] bytes = MAPPER.writeValueAsBytes(
				new State(StoredProcess.of(this.owner), processes.stream().map(StoredProcess::of).toList()));
		try {
			AtomicFiles.write(this.file, bytes);
			return true;
		}
		catch (IOException ex) {
			logger.log(System.Logger.Level.WARNING, "Cannot write process state file " + this.file, ex);
			return false;
		}
	}

	/**
	 * The content of a state file: the application instance that wrote it and the processes
	 * it recorded.
	 */
	record State(StoredProcess owner, List<StoredProcess> processes) {
	}

	/**
	 * A process as a state file stores it: {@code {"pid": 3, "startTime": 4}}, the start
	 * time in epoch milliseconds. Kept apart from {@link ProcessIdentity} so that the file
	 * format, which earlier and later versions must read, changes only on purpose.
	 */
	record StoredProcess(long pid, long startTime) {

		StoredProcess {
			// Reading fails, as for any file this version did not write, rather than reaping.
			if (pid <= 0) {
				throw new IllegalArgumentException("pid must be positive, was " + pid);
			}
		}

		static StoredProcess of(ProcessIdentity process) {
			return new StoredProcess(process.pid(), process.startMillis());
		}

		ProcessIdentity identity() {
			return new ProcessIdentity(this.pid, this.startTime);
		}

	}

}
