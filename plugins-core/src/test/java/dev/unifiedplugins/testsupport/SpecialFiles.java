package dev.unifiedplugins.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Files that are not regular files, for tests of what reads them.
 */
public final class SpecialFiles {

	private SpecialFiles() {
	}

	/**
	 * Creates a named pipe with {@code mkfifo}. Opening one for reading blocks until a
	 * writer opens it, which may be never.
	 * @param path where to create it
	 * @return whether it was created; false where {@code mkfifo} is not available
	 */
	public static boolean mkfifo(Path path) {
		try {
			Process process = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
			process.getInputStream().readAllBytes();
			return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/**
	 * Makes a path a file that the operating system lists as a regular file but will not
	 * let be read, as a file of another user with mode 0600 is, also when the tests run as
	 * root (whom permissions do not stop): a symbolic link to {@code /proc/self/mem}, whose
	 * first bytes are never mapped, so that reading them fails with an I/O error.
	 * @param path where to make it
	 * @return whether it was made; false where there is no such file (not Linux)
	 * @throws IOException when the link cannot be made
	 */
	public static boolean unreadable(Path path) throws IOException {
		Path memory = Path.of("/proc/self/mem");
		if (!Files.isRegularFile(memory)) {
			return false;
		}
		try (InputStream in = Files.newInputStream(memory)) {
			in.read();
			return false;
		}
		catch (IOException expected) {
			Files.createSymbolicLink(path, memory);
			return true;
		}
	}

}
