package dev.unifiedplugins.observability;

import java.util.Map;

import dev.unifiedplugins.observation.PluginOperation;
import io.micrometer.observation.Observation;

/**
 * The context of an observed operation on a plugin; its name is the operation's
 * ({@code plugins.load}, ...).
 */
public class PluginObservationContext extends Observation.Context {

	private final PluginOperation operation;

	private final String uniqueId;

	private final String category;

	private final Map<String, String> extraLowCardinalityKeys;

	private boolean refused;

	/**
	 * Creates the context of one operation.
	 * @param operation the operation
	 * @param uniqueId the plugin's unique id
	 * @param category the plugin's category
	 * @param extraLowCardinalityKeys further low-cardinality keys, such as a termination's
	 * {@code reason}
	 */
	public PluginObservationContext(PluginOperation operation, String uniqueId, String category,
			Map<String, String> extraLowCardinalityKeys) {
		this.operation = operation;
		this.uniqueId = uniqueId;
		this.category = category;
		this.extraLowCardinalityKeys = Map.copyOf(extraLowCardinalityKeys);
		setName(operation.observationName());
	}

	/** {@return the operation observed} */
	public PluginOperation getOperation() {
		return this.operation;
	}

	/** {@return the plugin's unique id} */
	public String getUniqueId() {
		return this.uniqueId;
	}

	/** {@return the plugin's category} */
	public String getCategory() {
		return this.category;
	}

	/** {@return further low-cardinality keys, such as a termination's {@code reason}} */
	public Map<String, String> getExtraLowCardinalityKeys() {
		return this.extraLowCardinalityKeys;
	}

	/**
	 * {@return whether the operation failed: it threw, or the plugin refused it (a
	 * termination that returned false)}
	 */
	public boolean isFailure() {
		return this.refused || getError() != null;
	}

	void setRefused(boolean refused) {
		this.refused = refused;
	}

}
