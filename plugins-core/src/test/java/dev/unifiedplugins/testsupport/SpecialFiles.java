package dev.unifiedplugins.testsupport;

import java.io.IOException;
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

}
