package dev.unifiedplugins.config;

/**
 * A revision asked for (to read or restore it) is not in a plugin's configuration history:
 * it never existed, or it is older than the last {@code plugins.history.size} revisions the
 * store keeps. The message names the plugin and the revision.
 */
public class PluginConfigRevisionNotFoundException extends PluginConfigException {

	private final String uniqueId;

	private final String revision;

	/**
	 * Creates an exception.
	 * @param uniqueId the plugin's unique id
	 * @param revision the revision that was asked for
	 */
	public PluginConfigRevisionNotFoundException(String uniqueId, String revision) {
		super(null, "Revision " + revision + " of the configuration of plugin '" + uniqueId
				+ "' is not in its history (never stored, or older than the revisions kept)", null);
		this.uniqueId = uniqueId;
		this.revision = revision;
	}

	/** {@return the unique id of the plugin} */
	public String getUniqueId() {
		return this.uniqueId;
	}

	/** {@return the revision that was asked for} */
	public String getRevision() {
		return this.revision;
	}

}
