package dev.unifiedplugins.observation;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * Observes the library's operations on plugins and puts each call into plugin code in the
 * plugin's log context. {@link #NONE} does neither; the starter's implementation opens a
 * Micrometer observation and sets the SLF4J MDC keys {@code plugin.id} and
 * {@code plugin.category}, removed afterwards.
 * <p>
 * Hot read paths (looking a plugin up, listing plugins) are never observed per call.
 */
public interface PluginCallObserver {

	/** Observes nothing and adds no log context. */
	PluginCallObserver NONE = new PluginCallObserver() {
	};

	/**
	 * Runs an operation on a plugin, observed, in the plugin's log context. A call that
	 * throws is observed as a failure and its exception rethrown; so is a
	 * {@link PluginOperation#CLOUD_TERMINATE} that returns false.
	 * @param <T> the result's type
	 * @param operation the operation
	 * @param uniqueId the plugin's unique id
	 * @param category the plugin's category
	 * @param lowCardinalityKeys further low-cardinality keys (a termination's
	 * {@code reason}), empty when none
	 * @param call the operation
	 * @return the call's result
	 */
	default <T> T observe(PluginOperation operation, String uniqueId, String category,
			Map<String, String> lowCardinalityKeys, Supplier<T> call) {
		return call.get();
	}

	/**
	 * Wraps a call into plugin code, made on another thread (a bounded call), so that it
	 * runs in the plugin's log context.
	 * @param <T> the result's type
	 * @param uniqueId the plugin's unique id
	 * @param category the plugin's category
	 * @param call the call into plugin code
	 * @return the wrapped call
	 */
	default <T> Callable<T> inContext(String uniqueId, String category, Callable<T> call) {
		return call;
	}

}
