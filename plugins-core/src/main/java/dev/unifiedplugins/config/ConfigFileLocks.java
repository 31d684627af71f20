package dev.unifiedplugins.config;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The locks that make the file store's saves and deletes of one plugin take turns: across
 * threads, and through a lock file ({@code <dir>/.locks/<id>.lock}) across the processes
 * of this library on the host.
 */
final class ConfigFileLocks {

	/** Where the lock files are: hidden, and not a config file. */
	private static final String LOCKS = ".locks";

	/** Locks of this JVM's threads, by lock file: a plugin id has a handful of bytes. */
	private static final Map<Path, Object> JVM_LOCKS = new ConcurrentHashMap<>();

	private ConfigFileLocks() {
	}

	/**
	 * Runs a file operation under a plugin's lock.
	 * @throws IOException when the lock cannot be taken or the operation fails
	 */
	static <T> T locked(Path dir, String uniqueId, IoAction<T> action) throws IOException {
		Path locks = dir.resolve(LOCKS);
		Path lockFile = locks.resolve(uniqueId + ".lock");
		// A FileLock is held by the whole JVM, and closing any channel of a file may release
		// it: threads take turns first, so that a lock file has one channel at a time.
		synchronized (JVM_LOCKS.computeIfAbsent(lockFile, (key) -> new Object())) {
			Files.createDirectories(locks, AtomicFiles.ownerOnly(locks, true));
			try (FileChannel channel = FileChannel.open(lockFile,
					Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), AtomicFiles.ownerOnly(dir, false));
					FileLock lock = channel.lock()) {
				return action.run();
			}
		}
	}

	/** A file operation under a plugin's lock. */
	@FunctionalInterface
	interface IoAction<T> {

		T run() throws IOException;

	}

}
