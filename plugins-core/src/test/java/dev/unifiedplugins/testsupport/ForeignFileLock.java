package dev.unifiedplugins.testsupport;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A plugin's lock file held by another process: a Python process that takes the lock
 * docs/several-instances.md tells cooperating processes to take ({@code fcntl.lockf}, an
 * exclusive POSIX record lock), and keeps it until closed.
 */
public final class ForeignFileLock implements AutoCloseable {

	private final Process process;

	private ForeignFileLock(Process process) {
		this.process = process;
	}

	/**
	 * Takes the lock of a plugin of a file store's directory, and returns once it is held.
	 * @param configDir the store's directory
	 * @param uniqueId the plugin
	 * @return the held lock
	 * @throws Exception when the process cannot take it within 30 seconds
	 */
	public static ForeignFileLock hold(Path configDir, String uniqueId) throws Exception {
		Path lockFile = configDir.resolve(".locks").resolve(uniqueId + ".lock");
		Files.createDirectories(lockFile.getParent());
		String script = "import fcntl, sys, time\n" + "f = open(sys.argv[1], 'a')\n" + "fcntl.lockf(f, fcntl.LOCK_EX)\n"
				+ "print('locked', flush=True)\n" + "time.sleep(300)\n";
		Process process = new ProcessBuilder("python3", "-c", script, lockFile.toString()).redirectErrorStream(true)
			.start();
		ForeignFileLock lock = new ForeignFileLock(process);
		BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
		String line = CompletableFuture.supplyAsync(() -> {
			try {
				return out.readLine();
			}
			catch (Exception ex) {
				return ex.toString();
			}
		}).get(30, TimeUnit.SECONDS);
		if (!"locked".equals(line)) {
			lock.close();
			throw new IllegalStateException("The lock holder did not take the lock: " + line);
		}
		return lock;
	}

	/** {@return whether the lock is still held} */
	public boolean isHeld() {
		return this.process.isAlive();
	}

	@Override
	public void close() throws InterruptedException {
		this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
	}

}
