package dev.unifiedplugins.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;

import dev.unifiedplugins.concurrent.DaemonThreads;

/**
 * Tells when a file in a directory may have changed, from the file system's events, on a
 * daemon thread of its own: the file store's config files, and the JARs of a watched
 * plugin directory. Events are lost on some file systems (NFS, overlay), so its user also
 * rescans now and then.
 */
public final class DirectoryWatch implements AutoCloseable {

	private static final System.Logger logger = System.getLogger(DirectoryWatch.class.getName());

	private final WatchService service;

	private final Thread thread;

	DirectoryWatch(Path dir, String suffix, Runnable onChange) {
		this(dir, suffix, "plugins-config-watch", onChange);
	}

	/**
	 * Starts watching.
	 * @param dir the directory, which must exist
	 * @param suffix the end of the names of the files of interest, such as {@code .jar};
	 * names starting with a dot (temporary files, locks) are left out
	 * @param threadName the name of the thread that waits for events
	 * @param onChange told, on that thread, after events about files of interest or lost
	 * events
	 * @throws UncheckedIOException when the directory cannot be watched; nothing is then
	 * left open
	 */
	public DirectoryWatch(Path dir, String suffix, String threadName, Runnable onChange) {
		try {
			this.service = dir.getFileSystem().newWatchService();
		}
		catch (IOException ex) {
			throw cannotWatch(dir, ex);
		}
		boolean watching = false;
		try {
			dir.register(this.service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
					StandardWatchEventKinds.ENTRY_DELETE);
			this.thread = DaemonThreads.named(threadName).newThread(() -> run(suffix, onChange));
			this.thread.start();
			watching = true;
		}
		catch (IOException ex) {
			throw cannotWatch(dir, ex);
		}
		finally {
			if (!watching) {
				// On Linux a service holds an inotify instance (of a few per user), files and a thread.
				closeService();
			}
		}
	}

	private static UncheckedIOException cannotWatch(Path dir, IOException ex) {
		return new UncheckedIOException("Cannot watch directory " + dir + ": " + ex.getMessage(), ex);
	}

	private void run(String suffix, Runnable onChange) {
		try {
			while (true) {
				WatchKey key = this.service.take();
				boolean relevant = false;
				for (WatchEvent<?> event : key.pollEvents()) {
					// Temporary files and locks start with a dot; an overflow may hide anything.
					relevant |= event.kind() == StandardWatchEventKinds.OVERFLOW
							|| (event.context() instanceof Path name && name.toString().endsWith(suffix)
									&& !name.toString().startsWith("."));
				}
				key.reset();
				if (relevant) {
					try {
						onChange.run();
					}
					catch (RuntimeException ex) {
						logger.log(System.Logger.Level.WARNING, "A directory change listener failed", ex);
					}
				}
			}
		}
		catch (InterruptedException | ClosedWatchServiceException ex) {
			// closed
		}
	}

	@Override
	public void close() {
		closeService();
		this.thread.interrupt();
	}

	private void closeService() {
		try {
			this.service.close();
		}
		catch (IOException ex) {
			// nothing left to release
		}
	}

}
