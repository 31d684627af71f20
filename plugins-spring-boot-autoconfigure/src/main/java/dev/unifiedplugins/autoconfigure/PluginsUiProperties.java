package dev.unifiedplugins.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of the settings page: static files that show and edit plugins through the
 * {@code plugins} actuator endpoint.
 */
@ConfigurationProperties("plugins.ui")
public class PluginsUiProperties {

	/**
	 * Whether to serve the settings page in a web application. It changes plugin
	 * configurations and stops resources only where the endpoint's access allows writes
	 * (management.endpoint.plugins.access=unrestricted), behind the same security.
	 */
	private boolean enabled = false;

	/**
	 * Path of the settings page, such as /plugins-ui: one or more segments of letters,
	 * digits, '-', '_', '.' or '~', without a trailing slash.
	 */
	private String path = "/plugins-ui";

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getPath() {
		return this.path;
	}

	public void setPath(String path) {
		this.path = path;
	}

}
