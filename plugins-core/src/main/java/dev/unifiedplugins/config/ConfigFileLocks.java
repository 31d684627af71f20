package dev.unifiedplugins.config;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import dev.unifiedplugins.concurrent.KeyedLocks;

/**
 * The locks that make the file store's saves and deletes of one plugin take turns: across
 * threads, and through a lock file ({@code <dir>/.locks/<id>.lock}) across the processes
 * of this library on the host. A cooperating process takes the same lock: an exclusive
 * {@code fcntl} (POSIX record) lock on the whole lock file, as Java's {@link FileLock} and
 * Python's {@code fcntl.lockf} do; {@code flock(1)} takes another kind of lock, which does
 * not conflict. Every wait is bounded: past the lock timeout the call fails with
 * {@link PluginConfigBusyException}. A lock file is removed when its plugin is left without
 * a configuration (deleted, or a first save refused or failed), so a cooperating process
 * checks, once it has the lock, that the path still leads to the file it locked (Python:
 * {@code os.fstat(f.fileno()).st_ino == os.stat(path).st_ino}), and opens it again
 * otherwise.
 */
final class ConfigFileLocks {

	/** How many sizes a lock file may be given to tell it from another at its path. */
	private static final long MARK_SIZES = 1L << 20;

	/** Where the lock files are: hidden, and not a config file. */
	private static final String LOCKS = ".locks";

	/** The first pause between two tries of a lock file another process holds; it doubles up to {@link #MAX_PAUSE_MS}. */
	private static final long FIRST_PAUSE_MS = 2;

	private static final long MAX_PAUSE_MS = 50;

	/** Locks of this JVM's threads, by lock file; an entry lives while a thread holds or waits for it. */
	private static final KeyedLocks JVM_LOCKS = new KeyedLocks();

	private ConfigFileLocks() {
	}

	/**
	 * Runs a file operation under a plugin's lock. Then, whether the operation succeeded or
	 * failed, the lock file is removed before it is released if nothing is left at
	 * {@code file}: a deleted configuration's, or one whose first save was refused or
	 * failed, so that lock files do not pile up as ids come and go. Whoever waited for the
	 * removed file finds, once it has it, that the path no longer leads to it, and starts
	 * over.
	 * @param file the config file the lock guards, in the config directory
	 * @throws PluginConfigBusyException when the lock is not free within {@code timeout}
	 * @throws IOException when the lock cannot be taken or the operation fails
	 */
	static <T> T locked(Path file, String uniqueId, Duration timeout, IoAction<T> action) throws IOException {
		Path dir = file.getParent();
		Path locks = dir.resolve(LOCKS);
		Path lockFile = locks.resolve(uniqueId + ".lock");
		long deadline = System.nanoTime() + timeout.toNanos();
		// A FileLock is held by the whole JVM, and closing any channel of a file may release
		// it: threads take turns first, so that a lock file has one channel at a time.
		try (KeyedLocks.Held held = jvmLock(lockFile, uniqueId, timeout)) {
			while (true) {
				Files.createDirectories(locks, AtomicFiles.ownerOnly(locks, true));
				try (FileChannel channel = FileChannel.open(lockFile,
						Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), AtomicFiles.ownerOnly(dir, false));
						FileLock lock = fileLock(channel, deadline, uniqueId, timeout)) {
					if (!isAt(channel, lockFile)) {
						continue; // removed, or replaced, while this process waited for it
					}
					try {
						return action.run();
					}
					finally {
						removeIfUnused(lockFile, file);
					}
				}
			}
		}
	}

	private static void removeIfUnused(Path lockFile, Path file) {
		try {
			if (Files.notExists(file, LinkOption.NOFOLLOW_LINKS)) {
				Files.deleteIfExists(lockFile);
			}
		}
		catch (IOException ex) {
			// Harmless: the next write of the plugin takes it, and its next delete removes it.
		}
	}

	/**
	 * Whether a locked channel's file is still the one at the path. Java tells neither the
	 * identity of an open file nor lets a second channel of it be closed without releasing
	 * the lock, so the channel gives its file a random size (sparse: one byte on disk) and
	 * the path's size is compared, which reads nothing through a channel. A file another
	 * process made at the path meanwhile has that very size once in a million races.
	 */
	private static boolean isAt(FileChannel channel, Path lockFile) throws IOException {
		long size = 1 + ThreadLocalRandom.current().nextLong(MARK_SIZES);
		channel.truncate(0);
		channel.write(ByteBuffer.wrap(new byte[1]), size - 1);
		try {
			return Files.size(lockFile) == size;
		}
		catch (NoSuchFileException ex) {
			return false;
		}
	}

	private static KeyedLocks.Held jvmLock(Path lockFile, String uniqueId, Duration timeout) throws IOException {
		try {
			KeyedLocks.Held held = JVM_LOCKS.tryLock(lockFile.toString(), timeout);
			if (held == null) {
				throw new PluginConfigBusyException(uniqueId, timeout, null);
			}
			return held;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new InterruptedIOException("Interrupted while waiting for the lock of plugin '" + uniqueId + "'");
		}
	}

	/** {@return how many plugins' locks this JVM's threads hold or wait for} */
	static int jvmLocks() {
		return JVM_LOCKS.size();
	}

	/** Java has no timed wait for a file lock: tries until the deadline, pausing a little longer each time. */
	private static FileLock fileLock(FileChannel channel, long deadline, String uniqueId, Duration timeout)
			throws IOException {
		long pause = FIRST_PAUSE_MS;
		while (true) {
			FileLock lock = channel.tryLock();
			if (lock != null) {
				return lock;
			}
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				throw new PluginConfigBusyException(uniqueId, timeout, null);
			}
			try {
				Thread.sleep(Math.min(pause, Math.max(1, TimeUnit.NANOSECONDS.toMillis(left))));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new InterruptedIOException("Interrupted while waiting for the lock of plugin '" + uniqueId + "'");
			}
			pause = Math.min(pause * 2, MAX_PAUSE_MS);
		}
	}

	/** A file operation under a plugin's lock. */
	@FunctionalInterface
	interface IoAction<T> {

		T run() throws IOException;

	}

}
