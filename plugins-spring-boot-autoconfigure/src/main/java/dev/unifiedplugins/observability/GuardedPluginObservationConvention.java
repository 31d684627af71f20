package dev.unifiedplugins.observability;

import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * An application's {@link PluginObservationConvention}, guarded: what one of its methods
 * throws, an {@link Error} included (but for the JVM's own, a {@link VirtualMachineError}),
 * is logged and answered by {@link DefaultPluginObservationConvention#INSTANCE} instead.
 * Micrometer asks the convention for the keys when it stops an observation, before its
 * handlers: one that threw there left the observation unstopped, a meter handler's active
 * sample open for good, and no timer recorded. Each method's failure is logged at most
 * once a minute.
 */
final class GuardedPluginObservationConvention implements PluginObservationConvention {

	private static final Log logger = LogFactory.getLog(GuardedPluginObservationConvention.class);

	private static final DefaultPluginObservationConvention FALLBACK = DefaultPluginObservationConvention.INSTANCE;

	private final PluginObservationConvention convention;

	private final Method name = new Method("getName()");

	private final Method contextualName = new Method("getContextualName()");

	private final Method lowCardinality = new Method("getLowCardinalityKeyValues()");

	private final Method highCardinality = new Method("getHighCardinalityKeyValues()");

	private final Method supports = new Method("supportsContext()");

	GuardedPluginObservationConvention(PluginObservationConvention convention) {
		this.convention = convention;
	}

	// Each passes a method reference that captures nothing, so that no call allocates.

	@Override
	public @Nullable String getName() {
		return ask(this.name, (convention, none) -> convention.getName(), null);
	}

	@Override
	public @Nullable String getContextualName(PluginObservationContext context) {
		return ask(this.contextualName, PluginObservationConvention::getContextualName, context);
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(PluginObservationContext context) {
		return ask(this.lowCardinality, PluginObservationConvention::getLowCardinalityKeyValues, context);
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(PluginObservationContext context) {
		return ask(this.highCardinality, PluginObservationConvention::getHighCardinalityKeyValues, context);
	}

	@Override
	public boolean supportsContext(Observation.Context context) {
		return ask(this.supports, PluginObservationConvention::supportsContext, context);
	}

	private <C extends @Nullable Object, T extends @Nullable Object> T ask(Method method,
			Question<C, T> question, C context) {
		try {
			return question.ask(this.convention, context);
		}
		catch (RuntimeException | Error ex) {
			if (ex instanceof VirtualMachineError fatal) {
				// The JVM's own (out of memory, stack overflow): not the convention's to swallow.
				throw fatal;
			}
			method.warning.warn("The plugin observation convention " + this.convention.getClass().getName()
					+ " failed in " + method.name + "; the default convention answers instead, and the plugin"
					+ " operation goes on", ex);
			return question.ask(FALLBACK, context);
		}
	}

	/** One of the convention's methods, asked of a convention. */
	@FunctionalInterface
	private interface Question<C extends @Nullable Object, T extends @Nullable Object> {

		T ask(PluginObservationConvention convention, C context);

	}

	/** A method of the convention, and the warning about its failures. */
	private static final class Method {

		final String name;

		final RateLimitedWarning warning = new RateLimitedWarning(logger, RateLimitedWarning.INTERVAL);

		Method(String name) {
			this.name = name;
		}

	}

}
