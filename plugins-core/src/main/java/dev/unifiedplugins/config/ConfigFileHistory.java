package dev.unifiedplugins.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import dev.unifiedplugins.processes.ThisProcess;
import org.jspecify.annotations.Nullable;

/**
 * The configuration history of a {@link FileSystemPluginConfigStore}: beside the config
 * files, never in them, in the hidden directory {@code .history/<uniqueId>/} (owner-only,
 * as the config files), which the Python library does not look into. One file per entry,
 * named {@code <sequence>-<revision>}, or {@code <sequence>-deleted} for a deletion: its
 * header, a JSON object with {@code writtenAt} and {@code writtenBy}, then a line break and,
 * for a save, the config file's bytes exactly as written, whose hash is the revision in the
 * name. The last {@link #size()} entries of each plugin are kept: once there are that
 * many, a new entry is written over the oldest one's file, which is then renamed, so that a
 * save neither creates nor removes a file (which a journaling file system would commit at
 * the next flush, at a cost larger than the entry's).
 * <p>
 * An entry is written after its config file, under the plugin's lock, without a flush of
 * its own: a save pays for writing a small file, not for a second flush to disk. The flush
 * of the next save's directory makes it durable on journaling file systems, and the
 * operating system does within seconds anyway. What a crash costs: the newest entry may be
 * missing or torn, or the oldest overwritten before it was renamed (an entry is told torn
 * by its hash, and left out); the newest configuration is still the config file, which is
 * then shown as the newest entry without its writer, and recorded so by the next write.
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

	private static final String DELETED = "deleted";

	/** The revision of a deletion is this, then its sequence number. */
	private static final String DELETED_PREFIX = DELETED + "-";

	/** Most bytes of an entry's header: a time and a writer of at most 255 characters, escaped. */
	private static final int HEADER_LIMIT = 4096;

	private static final String CONFIG_FILE = "Plugin config file";

	private static final String ENTRY = "Plugin config history entry";

	private static final byte[] NEWLINE = { '\n' };

	private static final System.Logger logger = System.getLogger(ConfigFileHistory.class.getName());

	private final Path root;

	private final long maxConfigSize;

	private volatile int size;

	private volatile String writtenBy = ThisProcess.name();

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
	 * Starts recording a save or delete, under the plugin's lock, before it writes: records
	 * first what is stored now if the history does not end with it (a change made outside,
	 * or an entry a crash lost). Never fails the write: a history that cannot be written is
	 * logged.
	 * @param file the plugin's config file
	 * @param stored its bytes when the caller has read them, else null (read here)
	 * @return what records the write once done; one that does nothing when history is off
	 */
	Recorder recorder(String uniqueId, Path file, byte @Nullable [] stored) {
		int kept = this.size;
		if (kept == 0) {
			return Recorder.NONE;
		}
		Path dir = this.root.resolve(uniqueId);
		try {
			Recorder recorder = new Recorder(this, uniqueId, dir, entries(dir), kept);
			byte[] current = stored;
			try {
				if (current == null) {
					current = ConfigFiles.read(file, CONFIG_FILE, this.maxConfigSize).orElse(null);
				}
				recorder.keepOutsideChange(file, current, this.maxConfigSize);
			}
			catch (PluginConfigException ex) {
				// not a file to keep (a FIFO, too large): the write replaces it
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
		Path dir = this.root.resolve(uniqueId);
		List<ConfigRevision> history = new ArrayList<>();
		for (Entry entry : entriesOrFail(dir)) {
			ConfigRevision revision = entry.read();
			if (revision != null) {
				history.add(revision);
			}
		}
		ConfigRevision current = currentUnlessNewest(file, history.isEmpty() ? null : history.get(0));
		if (current != null) {
			history.add(0, current);
		}
		return List.copyOf(history.subList(0, Math.min(kept, history.size())));
	}

	/** A revision's configuration: the newest entry of it whose bytes are intact, else the config file's. */
	Optional<StoredPluginConfig> load(String uniqueId, String revision, Path file) {
		if (this.size == 0 || revision.startsWith(DELETED_PREFIX)) {
			return Optional.empty();
		}
		Path dir = this.root.resolve(uniqueId);
		for (Entry entry : entriesOrFail(dir)) {
			if (revision.equals(entry.revision())) {
				byte[] config = entry.config(this.maxConfigSize);
				if (config != null) {
					return Optional.of(new StoredPluginConfig(parse(ENTRY, entry.path(), config), revision));
				}
			}
		}
		return ConfigFiles.read(file, CONFIG_FILE, this.maxConfigSize)
			.filter((bytes) -> ConfigJson.revisionOf(bytes).equals(revision))
			.map((bytes) -> new StoredPluginConfig(parse(CONFIG_FILE, file, bytes), revision));
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
			parse(CONFIG_FILE, file, bytes); // a corrupt file has no revision to show
			return new ConfigRevision(revision, Files.getLastModifiedTime(file).toInstant(), null, false);
		}
		catch (IOException | PluginConfigException ex) {
			return null;
		}
	}

	private static Map<String, Object> parse(String kind, Path file, byte[] bytes) {
		return ConfigJson.parse(kind + " " + file, file, bytes);
	}

	private static List<Entry> entriesOrFail(Path dir) {
		try {
			return entries(dir);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(
					"Cannot read plugin config history " + dir + ": " + ConfigFiles.describe(ex), ex);
		}
	}

	/** A plugin's entries, newest first; none when it has no history yet. */
	private static List<Entry> entries(Path dir) throws IOException {
		List<Entry> entries = new ArrayList<>();
		try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
			for (Path file : files) {
				Entry entry = Entry.of(file);
				if (entry != null) {
					entries.add(entry);
				}
			}
		}
		catch (NoSuchFileException ex) {
			return List.of();
		}
		entries.sort(Comparator.comparingLong(Entry::sequence).reversed());
		return entries;
	}

	/**
	 * Records one write of a plugin, under its lock: entries are added after the newest and
	 * the oldest beyond the size removed.
	 */
	static final class Recorder {

		static final Recorder NONE = new Recorder(null, "", Path.of(""), List.of(), 0);

		private final @Nullable ConfigFileHistory history;

		private final String uniqueId;

		private final Path dir;

		/** Newest first. */
		private final List<Entry> entries;

		private final int size;

		private Recorder(@Nullable ConfigFileHistory history, String uniqueId, Path dir, List<Entry> entries,
				int size) {
			this.history = history;
			this.uniqueId = uniqueId;
			this.dir = dir;
			this.entries = new ArrayList<>(entries);
			this.size = size;
		}

		/** Records the configuration just written. */
		void saved(String revision, byte[] bytes) {
			record(revision, Instant.now(), writtenBy(), bytes);
		}

		/** Records the deletion just done. */
		void deleted() {
			record(null, Instant.now(), writtenBy(), null);
		}

		private @Nullable String writtenBy() {
			return (this.history != null) ? this.history.writtenBy : null;
		}

		/**
		 * Records what is stored now, unless the newest entry is it: a change made outside,
		 * or a deletion when {@code stored} is null. A corrupt file is no configuration to restore.
		 */
		void keepOutsideChange(Path file, byte @Nullable [] stored, long maxConfigSize) throws IOException {
			Entry newest = this.entries.isEmpty() ? null : this.entries.get(0);
			if (newest != null && !newest.isIntact(maxConfigSize)) {
				// Torn by a crash: what it held is the config file, or was lost with it.
				Files.deleteIfExists(newest.path());
				this.entries.remove(0);
				newest = this.entries.isEmpty() ? null : this.entries.get(0);
			}
			if (stored == null) {
				if (newest != null && newest.revision() != null) {
					record(null, Instant.now(), null, null);
				}
				return;
			}
			String revision = ConfigJson.revisionOf(stored);
			if (newest == null || !revision.equals(newest.revision())) {
				parse(CONFIG_FILE, file, stored);
				record(revision, Files.getLastModifiedTime(file).toInstant(), null, stored);
			}
		}

		private void record(@Nullable String revision, Instant writtenAt, @Nullable String writtenBy,
				byte @Nullable [] config) {
			if (this.history == null) {
				return;
			}
			long sequence = this.entries.isEmpty() ? 1 : this.entries.get(0).sequence() + 1;
			Path file = this.dir.resolve(Entry.name(sequence, revision));
			try {
				if (this.entries.size() >= this.size) {
					// The oldest entry's file becomes the newest: overwritten, then renamed. A
					// file created and another removed at every save would cost each flush of
					// a journaling file system more than the entry itself.
					Path oldest = this.entries.remove(this.entries.size() - 1).path();
					write(oldest, false, header(writtenAt, writtenBy), config);
					Files.move(oldest, file);
				}
				else {
					write(file, true, header(writtenAt, writtenBy), config);
				}
				this.entries.add(0, new Entry(file, sequence, revision));
				while (this.entries.size() > this.size) {
					Files.deleteIfExists(this.entries.remove(this.entries.size() - 1).path());
				}
			}
			catch (IOException | RuntimeException ex) {
				logger.log(System.Logger.Level.WARNING, "Cannot record the history of plugin '" + this.uniqueId
						+ "' in " + this.dir + "; the configuration is written without it", ex);
			}
		}

		private byte[] header(Instant writtenAt, @Nullable String writtenBy) {
			Map<String, Object> header = new LinkedHashMap<>();
			header.put("writtenAt", writtenAt.toString());
			header.put("writtenBy", writtenBy);
			return ConfigJson.write(this.uniqueId, header, HEADER_LIMIT);
		}

		/**
		 * Writes an entry, owner-only and without flushing it (see the class's description):
		 * a new file, or over an existing one.
		 */
		private void write(Path file, boolean create, byte[] header, byte @Nullable [] config) throws IOException {
			if (create && !Files.isDirectory(this.dir)) {
				Path root = this.dir.getParent();
				Files.createDirectories(root, AtomicFiles.ownerOnly(root, true));
				Files.createDirectories(this.dir, AtomicFiles.ownerOnly(this.dir, true));
			}
			try (FileChannel channel = FileChannel.open(file,
					create ? Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)
							: Set.of(StandardOpenOption.WRITE),
					AtomicFiles.ownerOnly(this.dir, false))) {
				byte[] body = (config != null) ? config : new byte[0];
				ByteBuffer[] buffers = { ByteBuffer.wrap(header), ByteBuffer.wrap(NEWLINE), ByteBuffer.wrap(body) };
				long length = header.length + 1L + body.length;
				for (long left = length; left > 0;) {
					left -= channel.write(buffers);
				}
				channel.truncate(length);
			}
		}

	}

	/**
	 * One entry file.
	 *
	 * @param path the file
	 * @param sequence its place in the plugin's history
	 * @param revision the revision it holds, null for a deletion
	 */
	record Entry(Path path, long sequence, @Nullable String revision) {

		static String name(long sequence, @Nullable String revision) {
			return String.format("%012d", sequence) + "-" + ((revision != null) ? revision : DELETED);
		}

		/** The entry a file is, or null when it is none (not named as an entry). */
		static @Nullable Entry of(Path file) {
			String name = file.getFileName().toString();
			int dash = name.indexOf('-');
			if (dash < 1 || dash == name.length() - 1) {
				return null;
			}
			try {
				long sequence = Long.parseLong(name.substring(0, dash));
				String revision = name.substring(dash + 1);
				return (sequence > 0) ? new Entry(file, sequence, DELETED.equals(revision) ? null : revision) : null;
			}
			catch (NumberFormatException ex) {
				return null;
			}
		}

		/** The entry as a revision of the history; null when its header cannot be read. */
		@Nullable ConfigRevision read() {
			try (InputStream in = Files.newInputStream(this.path)) {
				byte[] start = in.readNBytes(HEADER_LIMIT);
				int end = headerEnd(start);
				if (end < 0) {
					return null;
				}
				Map<String, Object> header = ConfigJson.parse(ENTRY + " " + this.path, this.path,
						Arrays.copyOf(start, end));
				String by = (header.get("writtenBy") instanceof String name) ? name : null;
				Instant at = Instant.parse(String.valueOf(header.get("writtenAt")));
				return new ConfigRevision((this.revision != null) ? this.revision : DELETED_PREFIX + this.sequence, at,
						by, this.revision == null);
			}
			catch (IOException | RuntimeException ex) {
				return null;
			}
		}

		/** Whether the entry is whole: its header readable, and a save's bytes those of its revision. */
		boolean isIntact(long maxConfigSize) {
			return (this.revision != null) ? config(maxConfigSize) != null : read() != null;
		}

		/** A save's configuration bytes; null when they are not intact (a crash tore them) or gone. */
		byte @Nullable [] config(long maxConfigSize) {
			byte[] bytes;
			try {
				bytes = ConfigFiles.read(this.path, ENTRY, maxConfigSize + HEADER_LIMIT)
					.orElse(null);
			}
			catch (PluginConfigException ex) {
				return null;
			}
			int end = (bytes != null) ? headerEnd(bytes) : -1;
			if (end < 0 || end >= bytes.length || bytes[end] != '\n') {
				return null;
			}
			byte[] config = Arrays.copyOfRange(bytes, end + 1, bytes.length);
			return ConfigJson.revisionOf(config).equals(this.revision) ? config : null;
		}

		/** Where the header ends: after the first line that is a closing brace alone; -1 when it does not. */
		private static int headerEnd(byte[] bytes) {
			for (int i = 0; i + 1 < bytes.length; i++) {
				if (bytes[i] == '\n' && bytes[i + 1] == '}') {
					return i + 2;
				}
			}
			return -1;
		}

	}

}
