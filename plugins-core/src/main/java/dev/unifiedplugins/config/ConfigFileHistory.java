package dev.unifiedplugins.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.unifiedplugins.processes.ThisProcess;
import org.jspecify.annotations.Nullable;

/**
 * The configuration history of a {@link FileSystemPluginConfigStore}: beside the config
 * files, never in them, in the hidden directory {@code .history/<uniqueId>/} (owner-only,
 * as the config files), which the Python library does not look into; one
 * {@linkplain ConfigHistoryEntry entry file} per revision or deletion. The last
 * {@link #size()} entries of each plugin are kept: once there are that many, a new entry is
 * written over the oldest one, so that a save neither creates, removes nor renames a file
 * (which a journaling file system would commit at the next flush, at a cost larger than
 * the entry's).
 * <p>
 * An entry is written after its config file, under the plugin's lock, without a flush of
 * its own: a save pays for writing a small file, not for a second flush to disk. The flush
 * of the next save's directory makes it durable on journaling file systems, and the
 * operating system does within seconds anyway. What a crash costs: the newest entry may be
 * missing, or torn with the oldest it was written over (an entry is told torn by its
 * header and hash, and left out); the newest configuration is still the config file, which
 * is then shown as the newest entry without its writer, and recorded so by the next write.
 * <p>
 * A change made outside this library (the Python library, a person, a program) is shown
 * the same way while it is stored: the config file, when the newest entry is not its
 * revision, is the newest entry, written at the file's modification time by nobody known.
 * The next save or delete through a store records it before its own entry, so it can be
 * restored; one overwritten again outside before that is not kept. A file deleted outside
 * is recorded as a deletion, at the time the next write notices it.
 */
final class ConfigFileHistory {

	/** The directory of the histories, in the config directory: hidden, as the lock files are. */
	static final String DIRECTORY = ".history";

	private static final String CONFIG_FILE = "Plugin config file";

	private static final System.Logger logger = System.getLogger(ConfigFileHistory.class.getName());

	private final Path root;

	private final long maxConfigSize;

	private volatile int size;

	private volatile String writtenBy = ThisProcess.name();

	/**
	 * What this object last wrote of each plugin: the config file as it was just after the
	 * write, and the entries then. While the config file is still that one, neither another
	 * store (each write of a store replaces the file, and only stores write histories) nor
	 * anyone outside changed the plugin since, so the next write skips listing and checking
	 * the history and reading the file, and costs one {@code stat} instead: on a virtual
	 * machine's disk those reads cost a save about a third more.
	 */
	private final Map<String, Written> written = new ConcurrentHashMap<>();

	ConfigFileHistory(Path configDir, long maxConfigSize, int size) {
		this.root = configDir.resolve(DIRECTORY);
		this.maxConfigSize = maxConfigSize;
		setSize(size);
	}

	int size() {
		return this.size;
	}

	void setSize(int size) {
		if (size < 0) {
			throw new IllegalArgumentException("The history size must be 0 (no history) or more, not " + size);
		}
		this.size = size;
	}

	String writtenBy() {
		return this.writtenBy;
	}

	void setWrittenBy(String writtenBy) {
		Objects.requireNonNull(writtenBy, "instanceName must not be null");
		if (writtenBy.isBlank() || writtenBy.length() > 255) {
			throw new IllegalArgumentException("The instance name must have 1 to 255 characters and not be blank;"
					+ " it has " + writtenBy.length());
		}
		this.writtenBy = writtenBy;
	}

	/**
	 * Forgets the last writes of the plugins not stored any more, deleted by another store
	 * or by hand: this store's next write of one reads its history in full anyway.
	 * @param stored the plugins whose config files there are
	 */
	void forgetAllBut(Set<String> stored) {
		this.written.keySet().retainAll(stored);
	}

	/** {@return how many plugins' last writes this remembers} */
	int remembered() {
		return this.written.size();
	}

	/**
	 * Starts recording a save or delete, under the plugin's lock, before it writes: records
	 * first what is stored now if the history does not end with it (a change made outside,
	 * or an entry a crash lost or tore). Never fails the write: a history that cannot be
	 * written is logged.
	 * @param file the plugin's config file
	 * @param stored its bytes when the caller has read them, else null (read here if needed)
	 * @return what records the write once done; one that does nothing when history is off
	 */
	Recorder recorder(String uniqueId, Path file, byte @Nullable [] stored) {
		Written last = this.written.remove(uniqueId);
		int kept = this.size;
		if (kept == 0) {
			return Recorder.NONE;
		}
		Path dir = this.root.resolve(uniqueId);
		try {
			if (last != null && last.isCurrent(file)) {
				return new Recorder(this, uniqueId, file, last.entries(), kept);
			}
			List<Path> torn = new ArrayList<>();
			Recorder recorder = new Recorder(this, uniqueId, file, entries(dir, torn), kept);
			recorder.dropTorn(torn, this.maxConfigSize);
			try {
				byte[] current = (stored != null) ? stored
						: ConfigFiles.read(file, CONFIG_FILE, this.maxConfigSize).orElse(null);
				recorder.keepOutsideChange(current);
			}
			catch (PluginConfigException ex) {
				// not a configuration to keep (a FIFO, too large, corrupt): the write replaces it
			}
			return recorder;
		}
		catch (IOException | UncheckedIOException ex) {
			logger.log(System.Logger.Level.WARNING, "Cannot record the history of plugin '" + uniqueId + "' in " + dir
					+ "; the configuration is written without it", ex);
			return Recorder.NONE;
		}
	}

	/**
	 * A plugin's history, newest first, at most {@link #size()} entries: the config file
	 * first when the newest entry is not its revision. Entries that cannot be read are left
	 * out.
	 */
	List<ConfigRevision> list(String uniqueId, Path file) {
		int kept = this.size;
		if (kept == 0) {
			return List.of();
		}
		List<ConfigRevision> history = new ArrayList<>();
		for (ConfigHistoryEntry entry : entriesOrFail(this.root.resolve(uniqueId))) {
			history.add(entry.toRevision());
		}
		ConfigRevision current = currentUnlessNewest(file, history.isEmpty() ? null : history.get(0));
		if (current != null) {
			history.add(0, current);
		}
		return List.copyOf(history.subList(0, Math.min(kept, history.size())));
	}

	/** A revision's configuration: the newest entry of it whose bytes are intact, else the config file's. */
	Optional<StoredPluginConfig> load(String uniqueId, String revision, Path file) {
		if (this.size == 0 || revision.startsWith(ConfigHistoryEntry.DELETED_PREFIX)) {
			return Optional.empty();
		}
		for (ConfigHistoryEntry entry : entriesOrFail(this.root.resolve(uniqueId))) {
			if (revision.equals(entry.revision())) {
				byte[] config = entry.config(this.maxConfigSize);
				if (config != null) {
					return Optional.of(new StoredPluginConfig(entry.parse(config), revision));
				}
			}
		}
		return ConfigFiles.read(file, CONFIG_FILE, this.maxConfigSize)
			.filter((bytes) -> ConfigJson.revisionOf(bytes).equals(revision))
			.map((bytes) -> new StoredPluginConfig(parse(file, bytes), revision));
	}

	/** The config file as an entry written outside, when it is readable and not the newest entry's revision. */
	private @Nullable ConfigRevision currentUnlessNewest(Path file, @Nullable ConfigRevision newest) {
		try {
			byte[] bytes = ConfigFiles.read(file, CONFIG_FILE, this.maxConfigSize).orElse(null);
			if (bytes == null) {
				return null;
			}
			String revision = ConfigJson.revisionOf(bytes);
			if (newest != null && !newest.deleted() && newest.revision().equals(revision)) {
				return null;
			}
			parse(file, bytes); // a corrupt file has no revision to show
			return new ConfigRevision(revision, Files.getLastModifiedTime(file).toInstant(), null, false);
		}
		catch (IOException | PluginConfigException ex) {
			return null;
		}
	}

	private static Map<String, Object> parse(Path file, byte[] bytes) {
		return ConfigJson.parse(CONFIG_FILE + " " + file, file, bytes);
	}

	private static List<ConfigHistoryEntry> entriesOrFail(Path dir) {
		try {
			return entries(dir, null);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(
					"Cannot read plugin config history " + dir + ": " + ConfigFiles.describe(ex), ex);
		}
	}

	/**
	 * A plugin's entries, newest first, by their headers; none when it has no history yet.
	 * @param torn where to add the files whose header cannot be read, or null
	 */
	private static List<ConfigHistoryEntry> entries(Path dir, @Nullable List<Path> torn) throws IOException {
		List<ConfigHistoryEntry> entries = new ArrayList<>();
		try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
			for (Path file : files) {
				ConfigHistoryEntry entry = ConfigHistoryEntry.read(file);
				if (entry != null) {
					entries.add(entry);
				}
				else if (torn != null) {
					torn.add(file);
				}
			}
		}
		catch (NoSuchFileException ex) {
			return List.of();
		}
		entries.sort(Comparator.comparingLong(ConfigHistoryEntry::sequence).reversed());
		return entries;
	}

	/**
	 * Records one write of a plugin, under its lock: entries are added after the newest and
	 * the oldest beyond the size removed or written over.
	 */
	static final class Recorder {

		static final Recorder NONE = new Recorder(null, "", Path.of(""), List.of(), 0);

		private final @Nullable ConfigFileHistory history;

		private final String uniqueId;

		private final Path file;

		/** Newest first. */
		private final List<ConfigHistoryEntry> entries;

		private final int size;

		private Recorder(@Nullable ConfigFileHistory history, String uniqueId, Path file,
				List<ConfigHistoryEntry> entries, int size) {
			this.history = history;
			this.uniqueId = uniqueId;
			this.file = file;
			this.entries = new ArrayList<>(entries);
			this.size = size;
		}

		/** Records the configuration just written. */
		void saved(String revision, byte[] bytes) {
			written(record(revision, Instant.now(), writtenBy(), bytes));
		}

		/** Records the deletion just done. */
		void deleted() {
			written(record(null, Instant.now(), writtenBy(), null));
		}

		private @Nullable String writtenBy() {
			return (this.history != null) ? this.history.writtenBy : null;
		}

		/**
		 * Removes what a crash tore: files without a readable header, and the newest entry if
		 * its bytes are not whole (what it held is the config file, or was lost with it).
		 */
		void dropTorn(List<Path> torn, long maxConfigSize) throws IOException {
			for (Path file : torn) {
				Files.deleteIfExists(file);
			}
			if (!this.entries.isEmpty() && !this.entries.get(0).isIntact(maxConfigSize)) {
				Files.deleteIfExists(this.entries.remove(0).path());
			}
		}

		/**
		 * Records what is stored now, unless the newest entry is it: a change made outside,
		 * or a deletion when {@code stored} is null.
		 * @throws PluginConfigException when the stored file is corrupt, no configuration to keep
		 */
		void keepOutsideChange(byte @Nullable [] stored) throws IOException {
			ConfigHistoryEntry newest = this.entries.isEmpty() ? null : this.entries.get(0);
			if (stored == null) {
				if (newest != null && newest.revision() != null) {
					record(null, Instant.now(), null, null);
				}
				return;
			}
			String revision = ConfigJson.revisionOf(stored);
			if (newest == null || !revision.equals(newest.revision())) {
				parse(this.file, stored);
				record(revision, Files.getLastModifiedTime(this.file).toInstant(), null, stored);
			}
		}

		/** @return whether the entry was recorded */
		private boolean record(@Nullable String revision, Instant writtenAt, @Nullable String writtenBy,
				byte @Nullable [] config) {
			if (this.history == null) {
				return false;
			}
			long sequence = this.entries.isEmpty() ? 1 : this.entries.get(0).sequence() + 1;
			Path dir = this.history.root.resolve(this.uniqueId);
			try {
				boolean full = this.entries.size() >= this.size;
				Path file = full ? this.entries.remove(this.entries.size() - 1).path()
						: ConfigHistoryEntry.newFile(dir, sequence);
				if (!full && !Files.isDirectory(dir)) {
					Files.createDirectories(this.history.root, AtomicFiles.ownerOnly(dir, true));
					Files.createDirectories(dir, AtomicFiles.ownerOnly(dir, true));
				}
				this.entries.add(0, ConfigHistoryEntry.write(file, !full, this.uniqueId, sequence, revision, writtenAt,
						writtenBy, config));
				while (this.entries.size() > this.size) {
					Files.deleteIfExists(this.entries.remove(this.entries.size() - 1).path());
				}
				return true;
			}
			catch (IOException | RuntimeException ex) {
				logger.log(System.Logger.Level.WARNING, "Cannot record the history of plugin '" + this.uniqueId
						+ "' in " + dir + "; the configuration is written without it", ex);
				return false;
			}
		}

		/**
		 * Remembers the config file just written and the entries, when this write's entry
		 * was recorded. A deleted file has no identity to tell whether another store wrote
		 * since: the write after a deletion checks the history in full.
		 */
		private void written(boolean recorded) {
			if (this.history != null && recorded) {
				try {
					BasicFileAttributes attributes = Files.readAttributes(this.file, BasicFileAttributes.class);
					if (attributes.fileKey() != null) {
						this.history.written.put(this.uniqueId, new Written(attributes.fileKey(), attributes.size(),
								attributes.lastModifiedTime(), List.copyOf(this.entries)));
					}
				}
				catch (IOException ex) {
					// deleted, or cannot be told: the next write checks the history in full
				}
			}
		}

	}

	/**
	 * A config file as a store left it, and the plugin's entries then.
	 *
	 * @param fileKey the file's identity
	 * @param size its size
	 * @param modified its modification time
	 * @param entries the plugin's entries, newest first
	 */
	private record Written(Object fileKey, long size, FileTime modified, List<ConfigHistoryEntry> entries) {

		/** Whether the config file is still the one left. */
		boolean isCurrent(Path file) throws IOException {
			try {
				BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
				return this.fileKey.equals(attributes.fileKey()) && this.size == attributes.size()
						&& this.modified.equals(attributes.lastModifiedTime());
			}
			catch (NoSuchFileException ex) {
				return false;
			}
		}

	}

}
