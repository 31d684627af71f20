package dev.unifiedplugins.actuate;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.unifiedplugins.actuate.PluginsEndpoint.PluginDetailDescriptor;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;

/**
 * The answer to a save with {@code "await"}: the plugin's detail view, whose
 * {@code applied} is what the wait saw last, and whether the wait saw every live instance
 * that has the plugin loaded apply the new revision or fail to.
 *
 * @param detail the detail view, whose fields appear at the top level
 * @param awaited true when every such instance applied or failed the saved revision in
 * time (at once when none has the plugin loaded); false when the wait ran out, the
 * applied revisions could not be read, or another save overtook this one
 */
public record AwaitedSaveDescriptor(@JsonUnwrapped PluginDetailDescriptor detail, boolean awaited)
		implements OperationResponseBody {
}
