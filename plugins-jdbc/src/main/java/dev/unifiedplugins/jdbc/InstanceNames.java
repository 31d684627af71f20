package dev.unifiedplugins.jdbc;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import dev.unifiedplugins.processes.ThisProcess;

/**
 * The names instances sharing a database go by: what the config table records as the
 * writer of a row, and the name of an instance in the cloud cost fleet.
 */
final class InstanceNames {

	/** Most characters of a name: the size of the {@code updated_by} column. */
	static final int MAX_LENGTH = 255;

	/** The fleets made in this JVM: a second one under the same name is another instance. */
	private static final AtomicInteger FLEETS_IN_THIS_PROCESS = new AtomicInteger();

	private InstanceNames() {
	}

	/** Checks a name: 1 to {@value #MAX_LENGTH} characters, not blank. */
	static String requireValid(String instanceName) {
		Objects.requireNonNull(instanceName, "instanceName must not be null");
		if (instanceName.isBlank() || instanceName.length() > MAX_LENGTH) {
			throw new IllegalArgumentException("The instance name must have 1 to " + MAX_LENGTH
					+ " characters and not be blank; it has " + instanceName.length());
		}
		return instanceName;
	}

	/** {@code <host name>:<process id>}, cut to {@value #MAX_LENGTH} characters. */
	static String defaultName() {
		String name = ThisProcess.name();
		return (name.length() > MAX_LENGTH) ? name.substring(0, MAX_LENGTH) : name;
	}

	/**
	 * This process, as the cloud cost fleet tells processes apart: host name, PID and start
	 * time, and for the second fleet made in this JVM on (another application context) its
	 * number; cut to {@value #MAX_LENGTH} characters, keeping the end.
	 */
	static String currentProcess() {
		ProcessHandle self = ProcessHandle.current();
		String started = self.info()
			.startInstant()
			.map(Instant::toString)
			.orElseGet(() -> "at an unknown time, " + UUID.randomUUID());
		int nth = FLEETS_IN_THIS_PROCESS.incrementAndGet();
		String process = ThisProcess.hostName() + "/" + self.pid() + " started " + started + ((nth > 1) ? " #" + nth : "");
		return (process.length() > MAX_LENGTH) ? process.substring(process.length() - MAX_LENGTH) : process;
	}

}
