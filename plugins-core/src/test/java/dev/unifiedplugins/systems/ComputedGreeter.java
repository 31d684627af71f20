package dev.unifiedplugins.systems;

import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.core.PluginExecutionMode;

/**
 * A test plugin that computes its descriptor in a static method, and takes no
 * configuration.
 */
public class ComputedGreeter implements GreeterPlugin {

	public ComputedGreeter() {
		Greeters.constructing("computed");
	}

	public static PluginDescriptor pluginDescriptor() {
		return PluginDescriptor.builder("computed")
			.version("0." + Runtime.version().feature())
			.executionMode(PluginExecutionMode.SUBPROCESS)
			.build();
	}

	@Override
	public String greet(String who) {
		return "Hi " + who;
	}

}
