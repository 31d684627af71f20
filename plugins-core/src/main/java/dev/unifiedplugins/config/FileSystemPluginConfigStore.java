package dev.unifiedplugins.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import dev.unifiedplugins.concurrent.PeriodicTasks;
import org.jspecify.annotations.Nullable;

/**
 * Keeps one {@code <uniqueId>.json} file per plugin in a directory, in the format the
 * Python library reads and writes: a JSON object with 2-space indentation, read as UTF-8
 * and written as Python's {@code json.dump} writes it: ASCII only (<code>&#92;u00fc</code>
 * for ü), so that Python reads it whatever its locale, and NaN and the infinities as bare
 * words, which are read too.
 * <p>
 * What is saved loads back as it was: a configuration that would not (too large, or a
 * number a reader would take for another, see {@link #save}) is rejected and the previous
 * file kept. Only regular files are read, or symbolic links to one (Kubernetes mounts
 * ConfigMaps that way), up to the maximum config size: a FIFO, a device or a directory in
 * place of a file is an error naming it, as a corrupt file is.
 * <p>
 * Writes are atomic and durable: the new content goes to a temporary file in the same
 * directory, is flushed to disk and renamed over the old file, and the directory is then
 * flushed, so a crash leaves the old or the new file, never a torn one. Temporary files
 * start with a dot, which no unique id may, so they are never taken for a configuration;
 * those left by a dead process are removed when a store opens the directory. Where POSIX
 * permissions exist, the directory is created 0700 and files 0600.
 * <p>
 * The last {@linkplain #setHistorySize history size} revisions of each plugin (deletions
 * included) are kept beside the config files, never in them, in the hidden directory
 * {@code .history/<uniqueId>/}, each with when it was written and by which
 * {@linkplain #setInstanceName instance}; see {@link #history} for what a crash or a
 * change made outside this library leaves there.
 */
public class FileSystemPluginConfigStore implements PluginConfigStore {

	private static final String SUFFIX = ".json";

	/** Default of the maximum config size: 4 MiB. */
	public static final long DEFAULT_MAX_CONFIG_SIZE = 4L * 1024 * 1024;

	/** Default of the longest wait for another writer of the same plugin: 10 seconds. */
	public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(10);

	/** Largest maximum config size: 1 GiB. */
	public static final long MAX_CONFIG_SIZE_LIMIT = ConfigJson.MAX_SIZE_LIMIT;

	/** Default of the number of revisions kept of each plugin: 20. */
	public static final int DEFAULT_HISTORY_SIZE = 20;

	private static final System.Logger logger = System.getLogger(FileSystemPluginConfigStore.class.getName());

	private final Path dir;

	private final long maxConfigSize;

	private final Duration lockTimeout;

	private final ConfigFileHistory history;

	/**
	 * The revisions of the last {@link #revisions()}: a watcher compares revisions every
	 * second, and reading every file each time would cost a read per plugin per second.
	 */
	private volatile Map<String, HashedFile> hashedFiles = Map.of();

	/**
	 * Opens a config directory with a maximum config size of
	 * {@value #DEFAULT_MAX_CONFIG_SIZE} bytes (4 MiB), as
	 * {@link #FileSystemPluginConfigStore(Path, long)} does.
	 * @param dir the directory
	 * @throws IllegalArgumentException when the path exists and is not a directory
	 * @throws UncheckedIOException when it cannot be created or read, naming the path
	 */
	public FileSystemPluginConfigStore(Path dir) {
		this(dir, DEFAULT_MAX_CONFIG_SIZE);
	}

	/**
	 * Opens a config directory, creating it when missing, and removes temporary files that
	 * a dead process left behind.
	 * @param dir the directory
	 * @param maxConfigSize the most bytes a config file may hold, written or read; at most
	 * {@value #MAX_CONFIG_SIZE_LIMIT} (1 GiB)
	 * @throws IllegalArgumentException when the path exists and is not a directory, or the
	 * size is not positive or above the limit
	 * @throws UncheckedIOException when it cannot be created or read, naming the path
	 */
	public FileSystemPluginConfigStore(Path dir, long maxConfigSize) {
		this(dir, maxConfigSize, DEFAULT_LOCK_TIMEOUT);
	}

	/**
	 * Opens a config directory, creating it when missing, and removes temporary files that
	 * a dead process left behind.
	 * @param dir the directory
	 * @param maxConfigSize the most bytes a config file may hold, written or read; at most
	 * {@value #MAX_CONFIG_SIZE_LIMIT} (1 GiB)
	 * @param lockTimeout the longest a save or delete waits for another writer of the same
	 * plugin (a thread, or a process holding the plugin's lock file) before it fails with
	 * {@link PluginConfigBusyException}
	 * @throws IllegalArgumentException when the path exists and is not a directory, the
	 * size is not positive or above the limit, or the timeout is not positive
	 * @throws UncheckedIOException when it cannot be created or read, naming the path
	 */
	public FileSystemPluginConfigStore(Path dir, long maxConfigSize, Duration lockTimeout) {
		Objects.requireNonNull(dir, "dir must not be null");
		Objects.requireNonNull(lockTimeout, "lockTimeout must not be null");
		this.maxConfigSize = ConfigJson.requireValidMaxSize(maxConfigSize);
		this.lockTimeout = PeriodicTasks.requirePositive(lockTimeout, "lockTimeout");
		this.dir = dir.toAbsolutePath().normalize();
		this.history = new ConfigFileHistory(this.dir, this.maxConfigSize, DEFAULT_HISTORY_SIZE);
		createDirectory();
		removeStaleTemporaryFiles();
	}

	/** {@return the absolute path of the directory this store writes to} */
	public Path getDirectory() {
		return this.dir;
	}

	/** {@return the most bytes a config file may hold: a larger one is neither saved nor read} */
	public long getMaxConfigSize() {
		return this.maxConfigSize;
	}

	@Override
	public Duration getLockTimeout() {
		return this.lockTimeout;
	}

	/**
	 * Sets how many revisions of each plugin's configuration are kept, deletions included;
	 * older ones are removed by the next save or delete of that plugin. 0 keeps none: no
	 * history is written, read or removed. {@value #DEFAULT_HISTORY_SIZE} by default.
	 * @param size the number of revisions, 0 or more
	 * @throws IllegalArgumentException when it is negative
	 */
	public void setHistorySize(int size) {
		this.history.setSize(size);
	}

	/** {@return how many revisions of each plugin's configuration are kept; 0 when none} */
	public int getHistorySize() {
		return this.history.size();
	}

	/**
	 * Sets what the history records as the writer of this store's saves and deletes: by
	 * default {@code <host name>:<process id>}.
	 * @param instanceName the name, 1 to 255 characters, not blank
	 * @throws IllegalArgumentException when it is blank or longer
	 */
	public void setInstanceName(String instanceName) {
		this.history.setWrittenBy(instanceName);
	}

	/** {@return what the history records as the writer of this store's saves and deletes} */
	public String getInstanceName() {
		return this.history.writtenBy();
	}

	/**
	 * The file that holds a plugin's configuration.
	 * @param uniqueId the plugin's unique id
	 * @return the path, whether or not it exists
	 * @throws IllegalArgumentException when the id is illegal
	 */
	public Path pathOf(String uniqueId) {
		return this.dir.resolve(PluginIds.requireValid(uniqueId, "unique id") + SUFFIX);
	}

	/**
	 * {@inheritDoc}
	 * @throws PluginConfigException also when the file is not a regular file (nor a
	 * symbolic link to one), or is larger than the maximum config size
	 */
	@Override
	public Optional<Map<String, Object>> load(String uniqueId) {
		Path file = pathOf(uniqueId);
		return read(file).map((bytes) -> ConfigJson.parse("Plugin config file " + file, file, bytes));
	}

	private Optional<byte[]> read(Path file) {
		return ConfigFiles.read(file, "Plugin config file", this.maxConfigSize);
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * Numbers are written so that they load back as the same number: a
	 * {@link java.math.BigInteger} or integral {@link java.math.BigDecimal} of at most 4300
	 * digits (what Python's {@code json.load} reads) loads as an integer, any other
	 * {@code BigDecimal} must be a double's exact decimal, as it loads as a double.
	 * @throws IllegalArgumentException also when the configuration takes more than the
	 * maximum config size as JSON, naming the string or key that alone would
	 */
	@Override
	public void save(String uniqueId, Map<String, Object> config) {
		save(uniqueId, config, ExpectedRevision.any());
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * The revision is a hash of the file's bytes. Saves and deletes of one plugin are
	 * serialized across threads and, through a lock file ({@code .locks/<id>.lock}), across
	 * the processes of this library on the host; a file replaced by another program (the
	 * Python library, a person) in between is noticed by the check.
	 */
	@Override
	public String save(String uniqueId, Map<String, Object> config, ExpectedRevision expected) {
		Objects.requireNonNull(expected, "expected must not be null");
		Path file = pathOf(uniqueId);
		byte[] bytes = ConfigJson.write(uniqueId, config, this.maxConfigSize);
		String revision = ConfigJson.revisionOf(bytes);
		locked(uniqueId, "write", () -> {
			byte[] stored = null;
			if (!expected.isAny()) {
				stored = read(file).orElse(null);
				String storedRevision = (stored != null) ? ConfigJson.revisionOf(stored) : null;
				if (!expected.matches(storedRevision)) {
					throw new PluginConfigConflictException(uniqueId, expected, storedRevision);
				}
			}
			ConfigFileHistory.Recorder history = this.history.recorder(uniqueId, file, stored);
			AtomicFiles.write(file, bytes);
			history.saved(revision, bytes);
			return null;
		});
		return revision;
	}

	@Override
	public boolean delete(String uniqueId) {
		Path file = pathOf(uniqueId);
		// The lock file goes with the configuration, so that ids come and go without leaving files.
		return locked(uniqueId, "delete", () -> {
			ConfigFileHistory.Recorder history = this.history.recorder(uniqueId, file, null);
			boolean deleted = Files.deleteIfExists(file);
			if (deleted) {
				AtomicFiles.syncDirectory(this.dir);
				history.deleted();
			}
			return deleted;
		});
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * Each entry is written after its config file, without a flush to disk of its own (the
	 * next save's flush, or the operating system within seconds, makes it durable), over the
	 * oldest entry's file once the history is full: a crash may lose the newest entry, or
	 * leave it or the oldest torn, which is then left out. The config file
	 * is then the newest entry, written at its modification time by nobody known
	 * ({@code writtenBy} null), as is a change made outside this library (the Python
	 * library, a person): the next save or delete records it, so that it can be restored.
	 * A deletion's revision is {@code deleted-<n>}. A restored configuration has the
	 * revision it had (the revision is a hash of the file's bytes), in an entry of its own.
	 */
	@Override
	public List<ConfigRevision> history(String uniqueId) {
		return this.history.list(uniqueId, pathOf(uniqueId));
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * An entry whose bytes are not those of its revision (torn by a crash) is not used.
	 */
	@Override
	public Optional<StoredPluginConfig> loadRevision(String uniqueId, String revision) {
		Objects.requireNonNull(revision, "revision must not be null");
		return this.history.load(uniqueId, revision, pathOf(uniqueId));
	}

	@Override
	public Optional<StoredPluginConfig> loadStored(String uniqueId) {
		Path file = pathOf(uniqueId);
		return read(file).map((bytes) -> new StoredPluginConfig(
				ConfigJson.parse("Plugin config file " + file, file, bytes), ConfigJson.revisionOf(bytes)));
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * Hashes config files without parsing them: a corrupt file has the revision of its
	 * bytes, one that cannot be read at all (a FIFO, a file over the size limit, one this
	 * process may not read) the revision {@code unreadable}, and the others theirs. A file
	 * whose identity, size and modification time are those of the last call is not read
	 * again. What this store remembers of its last write of a plugin deleted since by
	 * another store, or by hand, is forgotten.
	 * @throws UncheckedIOException when the directory cannot be listed
	 */
	@Override
	public Map<String, String> revisions() {
		Map<String, String> revisions = new HashMap<>();
		Map<String, HashedFile> hashed = new HashMap<>();
		for (String id : ids()) {
			Path file = pathOf(id);
			try {
				BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
				HashedFile known = this.hashedFiles.get(id);
				String revision = (known != null && known.isSameFile(attributes)) ? known.revision()
						: read(file).map(ConfigJson::revisionOf).orElse(null);
				if (revision != null) {
					revisions.put(id, revision);
					hashed.put(id, new HashedFile(attributes, revision));
				}
			}
			catch (NoSuchFileException ex) {
				// deleted since the listing
			}
			catch (PluginConfigException | IOException | UncheckedIOException ex) {
				// One file another user owns, say, must not hide every other plugin's changes.
				revisions.put(id, "unreadable");
			}
		}
		this.hashedFiles = hashed;
		this.history.forgetAllBut(revisions.keySet());
		return Map.copyOf(revisions);
	}

	/** {@return how many plugins' last writes this store remembers, to skip reading their history again} */
	int rememberedWrites() {
		return this.history.remembered();
	}

	/** {@inheritDoc} Uses the file system's events ({@link java.nio.file.WatchService}). */
	@Override
	public AutoCloseable watch(Runnable onChange) {
		Objects.requireNonNull(onChange, "onChange must not be null");
		return new DirectoryWatch(this.dir, SUFFIX, onChange);
	}

	private <T> T locked(String uniqueId, String operation, ConfigFileLocks.IoAction<T> action) {
		try {
			return ConfigFileLocks.locked(pathOf(uniqueId), uniqueId, this.lockTimeout, action);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot " + operation + " plugin config file " + pathOf(uniqueId) + ": "
					+ ConfigFiles.describe(ex), ex);
		}
	}

	@Override
	public boolean exists(String uniqueId) {
		return Files.isRegularFile(pathOf(uniqueId));
	}

	@Override
	public Set<String> ids() {
		Set<String> ids = new HashSet<>();
		try (DirectoryStream<Path> entries = Files.newDirectoryStream(this.dir)) {
			for (Path entry : entries) {
				String name = entry.getFileName().toString();
				if (name.endsWith(SUFFIX)) {
					String id = name.substring(0, name.length() - SUFFIX.length());
					// Same rule as exists(): only a regular file is a configuration.
					if (PluginIds.isValid(id) && Files.isRegularFile(entry)) {
						ids.add(id);
					}
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(
					"Cannot list plugin config directory " + this.dir + ": " + ConfigFiles.describe(ex), ex);
		}
		return Set.copyOf(ids);
	}

	@Override
	public String toString() {
		return "FileSystemPluginConfigStore[" + this.dir + "]";
	}

	private void createDirectory() {
		if (Files.exists(this.dir) && !Files.isDirectory(this.dir)) {
			throw new IllegalArgumentException(
					"Plugin config directory " + this.dir + " exists but is not a directory");
		}
		try {
			if (!Files.isDirectory(this.dir)) {
				Files.createDirectories(this.dir, AtomicFiles.ownerOnly(this.dir, true));
			}
		}
		catch (FileAlreadyExistsException ex) {
			throw new IllegalArgumentException(
					"Plugin config directory " + this.dir + " cannot be created: " + ex.getFile() + " is not a directory",
					ex);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(
					"Plugin config directory " + this.dir + " cannot be created: " + ConfigFiles.describe(ex), ex);
		}
	}

	private void removeStaleTemporaryFiles() {
		try {
			for (Path temp : AtomicFiles.removeStaleTemporaryFiles(this.dir)) {
				logger.log(System.Logger.Level.INFO, "Removed temporary file " + temp + " left by an interrupted write");
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(
					"Cannot read plugin config directory " + this.dir + ": " + ConfigFiles.describe(ex), ex);
		}
	}

	/** A config file's revision, and what tells that the file is still the one hashed. */
	private record HashedFile(@Nullable Object fileKey, long size, FileTime modified, String revision) {

		HashedFile(BasicFileAttributes attributes, String revision) {
			this(attributes.fileKey(), attributes.size(), attributes.lastModifiedTime(), revision);
		}

		boolean isSameFile(BasicFileAttributes attributes) {
			return this.fileKey != null && this.fileKey.equals(attributes.fileKey()) && this.size == attributes.size()
					&& this.modified.equals(attributes.lastModifiedTime());
		}

	}

}
