package dev.unifiedplugins.core;

import java.util.List;

/**
 * A loaded plugin instance that reports the child processes it started, so that the
 * registry can show them with their descendants. Plugins implement it through
 * {@code dev.unifiedplugins.protocols.LifecycleAwarePlugin}; it lives here so that the
 * registry reads live resources without depending on the protocols package, which
 * depends on this one.
 */
public interface ChildProcessOwner {

	/**
	 * The PIDs of the child processes this plugin started; their descendants are found by
	 * the registry.
	 * @return the child PIDs, empty when there are none
	 */
	List<Long> getChildPids();

}
