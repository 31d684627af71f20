package dev.unifiedplugins.jdbc;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Objects;

/**
 * The names instances sharing a database go by: what the config table records as the
 * writer of a row, and the name of an instance in the cloud cost fleet.
 */
final class InstanceNames {

	/** Most characters of a name: the size of the {@code updated_by} column. */
	static final int MAX_LENGTH = 255;

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
		String name = Default.VALUE;
		return (name.length() > MAX_LENGTH) ? name.substring(0, MAX_LENGTH) : name;
	}

	/** Computed once, when first asked for: finding the host name may take a lookup. */
	private static final class Default {

		static final String VALUE = hostName() + ":" + ProcessHandle.current().pid();

		private static String hostName() {
			for (String variable : new String[] { "HOSTNAME", "COMPUTERNAME" }) {
				String name = System.getenv(variable);
				if (name != null && !name.isBlank()) {
					return name.strip();
				}
			}
			try {
				return InetAddress.getLocalHost().getHostName();
			}
			catch (IOException ex) {
				return "localhost";
			}
		}

	}

}
