package dev.unifiedplugins.systems;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;

import dev.unifiedplugins.concurrent.BoundedCalls;
import dev.unifiedplugins.config.ConfigViolation;
import dev.unifiedplugins.config.PluginConfigException;
import dev.unifiedplugins.config.PluginConfigValidationException;
import dev.unifiedplugins.core.PluginConfigSupport;
import dev.unifiedplugins.core.PluginConfigValidator;
import dev.unifiedplugins.core.PluginMetadata;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.observation.PluginCallObserver;
import org.jspecify.annotations.Nullable;

/**
 * Asks the loaded instance of a {@link ConfigurablePlugin} whether it takes a
 * configuration about to be saved ({@link ConfigurablePlugin#validate}), within a time
 * bound. A refusal, whatever the plugin throws, is a
 * {@link PluginConfigValidationException}: the plugin's own violations when it throws one,
 * else one violation of the whole configuration with the plugin's message. A plugin that
 * does not answer in time is a refusal too: the save must not wait for it, nor go ahead
 * unchecked. A plugin that is not loaded, not configurable, or that keeps the default
 * {@code validate} (which takes everything) is not asked.
 */
final class LoadedPluginValidator implements PluginConfigValidator {

	/** Whether a plugin class has a {@code validate} of its own, rather than the default. */
	private static final ClassValue<Boolean> validates = new ClassValue<>() {

		@Override
		protected Boolean computeValue(Class<?> type) {
			try {
				return type.getMethod("validate", Object.class).getDeclaringClass() != ConfigurablePlugin.class;
			}
			catch (NoSuchMethodException ex) {
				return false;
			}
		}

	};

	private final UnifiedPluginRegistry registry;

	private final BoundedCalls calls;

	private final Duration timeout;

	private volatile PluginCallObserver observer = PluginCallObserver.NONE;

	LoadedPluginValidator(UnifiedPluginRegistry registry, BoundedCalls calls, Duration timeout) {
		this.registry = registry;
		this.calls = calls;
		this.timeout = timeout;
	}

	/** Puts each call of a plugin's {@code validate} in the plugin's log context. */
	void setObserver(PluginCallObserver observer) {
		this.observer = observer;
	}

	@Override
	public void validate(String uniqueId, Map<String, Object> config) {
		PluginSystemManager.Loaded<?> loaded = loaded(uniqueId);
		if (loaded == null || !(loaded.instance() instanceof ConfigurablePlugin<?> plugin)
				|| loaded.configClass() == null || !validates.get(plugin.getClass())) {
			return;
		}
		Object bound;
		try {
			bound = PluginConfigSupport.bind(uniqueId, config, loaded.configClass());
		}
		catch (PluginConfigException ex) {
			// Its message names the property, never the value.
			throw refused(uniqueId, ex.getMessage());
		}
		long deadline = System.nanoTime() + this.timeout.toNanos();
		String category = this.registry.getRegisteredPlugin(uniqueId).map(PluginMetadata::category).orElse("unknown");
		// A key of its own: a save is not held up by a healthy reload of the plugin that runs.
		Future<?> call = this.calls.submit("validate:" + uniqueId, this.observer.inContext(uniqueId, category, () -> {
			validate(plugin, bound);
			return null;
		}));
		try {
			BoundedCalls.await(call, deadline, this.timeout);
		}
		catch (BoundedCalls.PluginCallException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof PluginConfigValidationException own && !own.violations().isEmpty()) {
				throw PluginConfigValidationException.refusedByPlugin(uniqueId, own.violations());
			}
			throw refused(uniqueId, message(ex, cause, this.timeout));
		}
	}

	private PluginSystemManager.@Nullable Loaded<?> loaded(String uniqueId) {
		PluginMetadata plugin = this.registry.getRegisteredPlugin(uniqueId).orElse(null);
		if (plugin == null) {
			return null;
		}
		return (this.registry.getManager(plugin.category()).orElse(null) instanceof PluginSystemManager<?> manager)
				? manager.getLoaded(plugin.name()) : null;
	}

	@SuppressWarnings("unchecked")
	private static void validate(ConfigurablePlugin<?> plugin, Object config) {
		((ConfigurablePlugin<Object>) plugin).validate(config);
	}

	/**
	 * The plugin's message; for a plugin that did not answer, or said nothing, ours. A
	 * check that did not start in time, behind one of the same plugin that has not
	 * returned, did not answer either.
	 */
	private static String message(BoundedCalls.PluginCallException ex, @Nullable Throwable cause, Duration timeout) {
		if (cause instanceof TimeoutException || cause instanceof BoundedCalls.PluginCallInProgressException) {
			return "the plugin's check did not answer within " + BoundedCalls.format(timeout);
		}
		if (cause == null || cause instanceof InterruptedException || cause instanceof CancellationException) {
			return "the plugin's check could not run: " + ex.getMessage();
		}
		String message = cause.getMessage();
		return (message != null && !message.isBlank()) ? message
				: "the plugin refused the configuration (" + cause.getClass().getName() + ")";
	}

	private static PluginConfigValidationException refused(String uniqueId, String message) {
		return PluginConfigValidationException.refusedByPlugin(uniqueId, List.of(new ConfigViolation("", message)));
	}

}
