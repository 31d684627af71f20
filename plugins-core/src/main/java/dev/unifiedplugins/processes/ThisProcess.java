package dev.unifiedplugins.processes;

import java.io.IOException;
import java.net.InetAddress;

/**
 * How this process is named where several instances share configurations: by its host
 * and PID, as the stores record the writer of a configuration.
 */
public final class ThisProcess {

	private ThisProcess() {
	}

	/**
	 * This host's name: the {@code HOSTNAME} or {@code COMPUTERNAME} environment variable
	 * (set in containers and on Windows), else the network configuration's, else
	 * {@code localhost}. Found once, when first asked for: it may take a lookup.
	 * @return the host name
	 */
	public static String hostName() {
		return Names.HOST;
	}

	/** {@return {@code <host name>:<process id>}} */
	public static String name() {
		return Names.NAME;
	}

	private static final class Names {

		static final String HOST = findHostName();

		static final String NAME = HOST + ":" + ProcessHandle.current().pid();

		private static String findHostName() {
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
