package dev.unifiedplugins.protocols;

import java.time.Instant;
import java.util.Optional;

/**
 * Another opinion on when a cloud resource was last used, besides its plugin's own
 * {@link CloudAwarePlugin#getLastActivity()}: a GPU's utilisation, a queue's depth, a
 * gateway's access log. On each idle check the cost guard asks every source about every
 * running resource, and the latest answer wins. A source that throws or does not answer
 * within {@code plugins.resource-timeout} counts as activity now, so that a resource is never
 * called idle for lack of data. In a Spring application every bean of this type is asked,
 * in order.
 */
@FunctionalInterface
public interface CloudActivitySource {

	/**
	 * When a plugin's resource was last used, as far as this source can tell. Called on one
	 * of the library's bounded-call threads, in the plugin's log context.
	 * @param uniqueId the unique id of the plugin that holds the resource
	 * @param plugin the plugin
	 * @return the last activity, or empty when this source cannot tell
	 */
	Optional<Instant> lastActivity(String uniqueId, CloudAwarePlugin plugin);

}
