package dev.unifiedplugins.config;

import java.util.List;
import java.util.Objects;

/**
 * A plugin configuration that does not match the plugin's JSON Schema, or that the loaded
 * plugin refused ({@link #refusedByPlugin}). It reports every violation, not only the
 * first; neither the message nor the violations hold the offending values, which may be
 * secrets (a plugin's own messages are the plugin's to keep free of them).
 */
public class PluginConfigValidationException extends IllegalArgumentException {

	private final String uniqueId;

	private final List<ConfigViolation> violations;

	/**
	 * Creates an exception for a refused configuration.
	 * @param uniqueId the plugin's unique id
	 * @param violations every violation, at least one
	 */
	public PluginConfigValidationException(String uniqueId, List<ConfigViolation> violations) {
		this(uniqueId, "does not match its schema", violations);
	}

	private PluginConfigValidationException(String uniqueId, String what, List<ConfigViolation> violations) {
		super(message(uniqueId, what, violations));
		this.uniqueId = uniqueId;
		this.violations = List.copyOf(violations);
	}

	/**
	 * Creates an exception for a configuration that the plugin itself refused, through
	 * {@code ConfigurablePlugin.validate}.
	 * @param uniqueId the plugin's unique id
	 * @param violations every violation, at least one
	 * @return the exception
	 */
	public static PluginConfigValidationException refusedByPlugin(String uniqueId, List<ConfigViolation> violations) {
		return new PluginConfigValidationException(uniqueId, "was refused by the plugin", violations);
	}

	private static String message(String uniqueId, String what, List<ConfigViolation> violations) {
		Objects.requireNonNull(uniqueId, "uniqueId must not be null");
		Objects.requireNonNull(violations, "violations must not be null");
		return "Configuration of plugin '" + uniqueId + "' " + what + " (" + violations.size()
				+ ((violations.size() == 1) ? " violation): " : " violations): ")
				+ ConfigViolation.describe(violations);
	}

	/** {@return the unique id of the plugin whose configuration was refused} */
	public String uniqueId() {
		return this.uniqueId;
	}

	/** {@return every violation, in schema order; never empty} */
	public List<ConfigViolation> violations() {
		return this.violations;
	}

}
