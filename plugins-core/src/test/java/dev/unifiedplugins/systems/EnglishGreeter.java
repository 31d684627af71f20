package dev.unifiedplugins.systems;

import java.util.List;
import java.util.Map;

import dev.unifiedplugins.core.PluginExecutionMode;
import dev.unifiedplugins.protocols.LifecycleAwarePlugin;

/**
 * A configurable, lifecycle-aware test plugin described by its annotation; its
 * {@code validate} runs the check {@link Greeters#checking} sets.
 */
@PluginInfo(name = "english", version = "1.2.0", title = "English", description = "Greets in English")
public class EnglishGreeter implements GreeterPlugin, ConfigurablePlugin<GreeterConfig>, LifecycleAwarePlugin {

	private GreeterConfig config;

	private String configuredBy;

	public EnglishGreeter() {
		Greeters.constructing("english");
	}

	@Override
	public void configure(GreeterConfig config) {
		Greeters.step("english", "configure");
		this.config = config;
		this.configuredBy = Thread.currentThread().getName();
	}

	@Override
	public void validate(GreeterConfig config) {
		Greeters.validating("english", config);
	}

	/** The thread that configured this instance. */
	public String configuredBy() {
		return this.configuredBy;
	}

	public GreeterConfig config() {
		return this.config;
	}

	@Override
	public String greet(String who) {
		return (this.config.greeting() + " " + who + " ").repeat(this.config.repeat()).trim();
	}

	@Override
	public PluginExecutionMode getExecutionMode() {
		return PluginExecutionMode.IN_PROCESS;
	}

	@Override
	public List<Long> getChildPids() {
		return List.of();
	}

	@Override
	public Map<String, Object> getManagedResources() {
		return Map.of();
	}

	@Override
	public void forceCleanup() {
		Greeters.cleaningUp("english");
	}

}
