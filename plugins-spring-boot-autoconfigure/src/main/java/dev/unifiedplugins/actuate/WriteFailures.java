package dev.unifiedplugins.actuate;

import java.io.UncheckedIOException;

import dev.unifiedplugins.actuate.PluginsEndpointWebExtension.MessageDescriptor;
import dev.unifiedplugins.actuate.PluginsEndpointWebExtension.ViolationsDescriptor;
import dev.unifiedplugins.config.ConfigViolation;
import dev.unifiedplugins.config.PluginConfigBusyException;
import dev.unifiedplugins.config.PluginConfigConflictException;
import dev.unifiedplugins.config.PluginConfigRevisionNotFoundException;
import dev.unifiedplugins.config.PluginConfigValidationException;
import dev.unifiedplugins.config.PluginConfigWriteOutcomeUnknownException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * The status and body of each way a write of the {@code plugins} endpoint can fail, in one
 * place so that a save, a dry run, a restore and a delete answer the same failure alike.
 */
final class WriteFailures {

	private static final int STATUS_CONFLICT = 409;

	private static final Log logger = LogFactory.getLog(WriteFailures.class);

	private WriteFailures() {
	}

	/**
	 * The answer to a write that threw.
	 * @param operation what was done, for the message of a store failure: "save", "restore"
	 * @param uniqueId the plugin's unique id
	 * @param ex what the write threw
	 * @return its answer
	 * @throws RuntimeException {@code ex} itself when it is none of a write's failures
	 */
	static WebEndpointResponse<Object> answer(String operation, String uniqueId, RuntimeException ex) {
		if (ex instanceof PluginConfigValidationException invalid) {
			return new WebEndpointResponse<>(new ViolationsDescriptor(invalid.violations()),
					WebEndpointResponse.STATUS_BAD_REQUEST);
		}
		if (ex instanceof PluginConfigRevisionNotFoundException) {
			return new WebEndpointResponse<>(new MessageDescriptor(ex.getMessage()),
					WebEndpointResponse.STATUS_NOT_FOUND);
		}
		if (ex instanceof PluginConfigConflictException) {
			return new WebEndpointResponse<>(new MessageDescriptor(ex.getMessage()), STATUS_CONFLICT);
		}
		if (ex instanceof PluginConfigBusyException) {
			// Another writer held the plugin longer than plugins.lock-timeout: nothing written, try again.
			return new WebEndpointResponse<>(new MessageDescriptor(ex.getMessage()),
					WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE);
		}
		// Logged once where it failed: by the registry (its writes, the read of a restore) or
		// by the writer (the reads of a dry run and of masked values).
		if (ex instanceof PluginConfigWriteOutcomeUnknownException) {
			return storeFailed(operation, uniqueId,
					" while it wrote, and whether it was written is unknown: read the configuration again");
		}
		if (ex instanceof UncheckedIOException) {
			return storeFailed(operation, uniqueId);
		}
		if (ex instanceof IllegalArgumentException) {
			// A value the store cannot hold or read back, named by its key path; or a restore
			// of a deletion, which has no configuration.
			return PluginsEndpointWebExtension.badRequest(new ConfigViolation("", ex.getMessage()));
		}
		throw ex;
	}

	/** The store failed a write: nothing changed, and the log says why. */
	static WebEndpointResponse<Object> storeFailed(String operation, String uniqueId) {
		return storeFailed(operation, uniqueId, ", and the previous configuration is unchanged");
	}

	/** The store failed a read, which is logged with its cause. */
	static WebEndpointResponse<Object> storeFailedToRead(String operation, String uniqueId, RuntimeException ex) {
		logReadFailure(operation, uniqueId, ex);
		return storeFailed(operation, uniqueId, "");
	}

	/**
	 * Logs a read of the store that failed an endpoint's request, which the registry does
	 * not log, as the registry logs a failed write: one warning line with the store's
	 * message (which names the cause and holds no values), the stack trace after it, so
	 * that every 503 of a store failure points to a log entry alike.
	 */
	static void logReadFailure(String operation, String uniqueId, RuntimeException ex) {
		logger.warn("Could not " + operation + " the configuration of plugin '" + uniqueId + "': " + ex.getMessage(),
				ex);
	}

	private static WebEndpointResponse<Object> storeFailed(String operation, String uniqueId, String outcome) {
		return new WebEndpointResponse<>(new MessageDescriptor("Could not " + operation + " the configuration of plugin '"
				+ uniqueId + "': the config store failed" + outcome + " (see the application's log)"),
				WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE);
	}

}
