package dev.unifiedplugins.config;

import org.jspecify.annotations.Nullable;

/**
 * A revision-checked save found another revision than the one expected: the
 * configuration was changed (or created, or deleted) since the caller read it. Nothing was
 * written. The message names the plugin and both revisions, never a value.
 */
public class PluginConfigConflictException extends RuntimeException {

	private final String uniqueId;

	private final ExpectedRevision expected;

	private final @Nullable String actual;

	/**
	 * Creates an exception.
	 * @param uniqueId the plugin's unique id
	 * @param expected what the save expected
	 * @param actual the stored revision, null when nothing is stored
	 */
	public PluginConfigConflictException(String uniqueId, ExpectedRevision expected, @Nullable String actual) {
		super("The configuration of plugin '" + uniqueId + "' was changed elsewhere: expected " + expected
				+ ", found " + ((actual != null) ? "revision " + actual : "no configuration"));
		this.uniqueId = uniqueId;
		this.expected = expected;
		this.actual = actual;
	}

	/** {@return the unique id of the plugin whose save failed} */
	public String getUniqueId() {
		return this.uniqueId;
	}

	/** {@return what the save expected} */
	public ExpectedRevision getExpected() {
		return this.expected;
	}

	/** {@return the stored revision, null when nothing is stored} */
	public @Nullable String getActual() {
		return this.actual;
	}

}
