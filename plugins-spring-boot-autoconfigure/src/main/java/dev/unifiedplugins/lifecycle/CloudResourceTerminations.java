package dev.unifiedplugins.lifecycle;

import dev.unifiedplugins.cost.CloudCostGuard;
import dev.unifiedplugins.protocols.PluginCloudResourceTerminated;
import dev.unifiedplugins.shutdown.PluginShutdown;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Where the terminations of {@link PluginShutdown} go (reason {@code SHUTDOWN} when the
 * application stops, {@code OPERATOR} from the endpoint): to the {@link CloudCostGuard},
 * whose listeners count them and publish them as application events, like its own; without
 * a guard, straight to the application's events.
 */
public final class CloudResourceTerminations implements PluginShutdown.TerminationListener {

	private final ObjectProvider<CloudCostGuard> guard;

	private final ApplicationEventPublisher publisher;

	/**
	 * Creates the listener.
	 * @param guard the cost guard, when the application has one
	 * @param publisher where the terminations go without a guard
	 */
	public CloudResourceTerminations(ObjectProvider<CloudCostGuard> guard, ApplicationEventPublisher publisher) {
		this.guard = guard;
		this.publisher = publisher;
	}

	@Override
	public void terminated(PluginCloudResourceTerminated event, @Nullable String error) {
		CloudCostGuard found;
		try {
			found = this.guard.getIfAvailable();
		}
		catch (BeansException ex) {
			// A context that failed to start destroys its beans: no guard to be had then.
			found = null;
		}
		if (found != null) {
			found.recordTermination(event, error);
		}
		else {
			this.publisher.publishEvent(event);
		}
	}

}
