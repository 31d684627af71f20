package dev.unifiedplugins.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import dev.unifiedplugins.processes.ProcessTable;

/**
 * The one atomic, durable file write of this library, for config files and the record of
 * managed processes: the bytes go to a temporary file in the same directory
 * ({@code .<name>.<writer-pid>.<random>.tmp}, owner-only where POSIX permissions exist),
 * which is flushed to disk, renamed over the target, and the directory flushed. A crash
 * at any moment leaves the old or the new file, never a torn one, and once
 * {@link #write} has returned the new file survives a power loss.
 */
public final class AtomicFiles {

	private static final String TEMP_SUFFIX = ".tmp";

	private static final System.Logger logger = System.getLogger(AtomicFiles.class.getName());

	private AtomicFiles() {
	}

	/**
	 * Replaces a file's content atomically and durably, creating its directory (owner-only)
	 * when missing.
	 * @param target the file
	 * @param bytes its new content
	 * @throws IOException when it cannot be written; the target is then as it was, and the
	 * temporary file is removed
	 */
	public static void write(Path target, byte[] bytes) throws IOException {
		Path dir = target.toAbsolutePath().getParent();
		Path temp = dir.resolve("." + target.getFileName() + "." + ProcessHandle.current().pid() + "."
				+ Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + TEMP_SUFFIX);
		try {
			if (!Files.isDirectory(dir)) {
				Files.createDirectories(dir, ownerOnly(dir, true));
			}
			try (FileChannel channel = FileChannel.open(temp,
					Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), ownerOnly(dir, false))) {
				ByteBuffer buffer = ByteBuffer.wrap(bytes);
				while (buffer.hasRemaining()) {
					channel.write(buffer);
				}
				channel.force(true);
			}
			try {
				Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			}
			catch (AtomicMoveNotSupportedException ex) {
				throw new IOException("the file system of " + dir + " does not support atomic renames", ex);
			}
			syncDirectory(dir);
		}
		catch (IOException | RuntimeException | Error ex) {
			deleteQuietly(temp);
			throw ex;
		}
	}

	/**
	 * Makes a rename or deletion in a directory durable. Not every platform can open a
	 * directory; there it is as durable as the file system makes it.
	 * @param dir the directory
	 */
	public static void syncDirectory(Path dir) {
		try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
			channel.force(true);
		}
		catch (IOException | UnsupportedOperationException ex) {
			// best effort, see above
		}
	}

	/**
	 * Removes the temporary files that a writer that is no longer running left in a
	 * directory. A live writer may still rename its file, so its files are left alone, as
	 * are files whose name holds no PID.
	 * @param dir the directory
	 * @return the files removed
	 * @throws IOException when the directory cannot be listed
	 */
	public static List<Path> removeStaleTemporaryFiles(Path dir) throws IOException {
		List<Path> removed = new ArrayList<>();
		try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, ".*" + TEMP_SUFFIX)) {
			for (Path temp : entries) {
				long writer = writerPid(temp.getFileName().toString());
				if (writer > 0 && writer != ProcessHandle.current().pid() && !ProcessTable.isRunning(writer)) {
					deleteQuietly(temp);
					removed.add(temp);
				}
			}
		}
		return removed;
	}

	/**
	 * Owner-only permissions (0600, or 0700 for a directory) where the file system has
	 * POSIX permissions.
	 * @param path a path on the file system
	 * @param directory whether the attributes are for a directory
	 * @return the attributes to create the file or directory with
	 */
	static FileAttribute<?>[] ownerOnly(Path path, boolean directory) {
		if (!path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
			return new FileAttribute<?>[0];
		}
		return new FileAttribute<?>[] { PosixFilePermissions.asFileAttribute(directory
				? Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
						PosixFilePermission.OWNER_EXECUTE)
				: Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)) };
	}

	private static long writerPid(String tempName) {
		// .<name>.<pid>.<random>.tmp
		String rest = tempName.substring(0, tempName.length() - TEMP_SUFFIX.length());
		int randomDot = rest.lastIndexOf('.');
		int pidDot = (randomDot > 0) ? rest.lastIndexOf('.', randomDot - 1) : -1;
		try {
			return Long.parseLong(rest.substring(pidDot + 1, randomDot));
		}
		catch (RuntimeException ex) {
			return -1;
		}
	}

	private static void deleteQuietly(Path file) {
		try {
			Files.deleteIfExists(file);
		}
		catch (IOException ex) {
			logger.log(System.Logger.Level.WARNING, "Cannot delete temporary file " + file + ": " + ex);
		}
	}

}
