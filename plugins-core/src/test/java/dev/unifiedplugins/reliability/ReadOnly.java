package dev.unifiedplugins.reliability;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Makes a directory unwritable for the current process, and writable again on close.
 * <p>
 * An ordinary user gets permissions {@code r-x------}. Root ignores permission bits, so
 * for root the directory is made immutable with {@code chattr +i}, which binds root too
 * (ext2/3/4, XFS, Btrfs; needs CAP_LINUX_IMMUTABLE). When neither makes the directory
 * unwritable, which is checked by trying to create a file, the calling test is skipped.
 */
final class ReadOnly implements AutoCloseable {

	private final Path dir;

	private final boolean immutable;

	private final Set<PosixFilePermission> previous;

	private ReadOnly(Path dir, boolean immutable, Set<PosixFilePermission> previous) {
		this.dir = dir;
		this.immutable = immutable;
		this.previous = previous;
	}

	static ReadOnly make(Path dir) throws Exception {
		assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX file system");
		Set<PosixFilePermission> previous = Files.getPosixFilePermissions(dir);
		boolean root = "root".equals(System.getProperty("user.name"));
		ReadOnly readOnly;
		if (root) {
			assumeTrue(run("chattr", "+i", dir.toString()), "root, and chattr +i is not available here");
			readOnly = new ReadOnly(dir, true, previous);
		}
		else {
			Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-x------"));
			readOnly = new ReadOnly(dir, false, previous);
		}
		try {
			Files.delete(Files.createFile(dir.resolve(".probe")));
			readOnly.close();
			assumeTrue(false, "could not make " + dir + " unwritable");
		}
		catch (IOException expected) {
			// unwritable, as wanted
		}
		return readOnly;
	}

	@Override
	public void close() throws Exception {
		if (this.immutable) {
			if (!run("chattr", "-i", this.dir.toString())) {
				throw new IllegalStateException("chattr -i " + this.dir + " failed");
			}
		}
		Files.setPosixFilePermissions(this.dir, this.previous);
	}

	private static boolean run(String... command) {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			if (!process.waitFor(10, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				return false;
			}
			return process.exitValue() == 0;
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

}
