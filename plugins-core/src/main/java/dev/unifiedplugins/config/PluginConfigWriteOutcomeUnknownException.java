package dev.unifiedplugins.config;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A write whose outcome is unknown: the store lost its connection while the write was
 * under way (a database that stopped answering within the connection's network timeout,
 * or a connection broken mid-transaction), possibly while it committed. What is stored is
 * the previous configuration or the new one; read it again before writing again. The
 * message names the plugin and the operation, never a value.
 * <p>
 * The registry that made the write keeps the revision it knew before it, and its change
 * watcher re-reads the store, trying again every second while the store cannot be read:
 * once the database answers, this instance and every other follow what is stored, as for
 * a change made elsewhere (a {@link PluginConfigChange} with {@code external} true when the
 * write was committed), also when the database commits it later.
 */
public class PluginConfigWriteOutcomeUnknownException extends UncheckedIOException {

	/**
	 * Creates an exception.
	 * @param message what was written and why its outcome is unknown
	 * @param cause the store's error
	 */
	public PluginConfigWriteOutcomeUnknownException(String message, IOException cause) {
		super(message, cause);
	}

}
