package dev.unifiedplugins.systems;

/**
 * How a plugin's failure to be found or loaded reads in health and the endpoint.
 */
final class PluginFailures {

	private PluginFailures() {
	}

	/** A failure and its root cause: the wrapper says what failed, the root why. */
	static String describe(Throwable failure) {
		Throwable root = failure;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		String text = failure.getClass().getName() + ((failure.getMessage() != null) ? ": " + failure.getMessage() : "");
		if (root != failure) {
			text += " (caused by " + root.getClass().getName()
					+ ((root.getMessage() != null) ? ": " + root.getMessage() : "") + ")";
		}
		return text;
	}

}
