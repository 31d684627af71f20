package dev.unifiedplugins.core;

import org.jspecify.annotations.Nullable;

/**
 * A loaded plugin instance that reports the remote resource it uses. Plugins implement it
 * through {@code dev.unifiedplugins.protocols.CloudAwarePlugin}; it lives here so that the
 * registry reads live resources without depending on the protocols package, which
 * depends on this one.
 */
public interface RemoteResourceOwner {

	/**
	 * The resource this plugin uses now.
	 * @return the resource, or null when none is provisioned
	 */
	@Nullable RemoteResourceInfo getRemoteResourceInfo();

}
