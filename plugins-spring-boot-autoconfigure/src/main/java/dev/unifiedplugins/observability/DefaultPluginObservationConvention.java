package dev.unifiedplugins.observability;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

import io.micrometer.common.KeyValue;
import dev.unifiedplugins.observation.PluginOperation;
import io.micrometer.common.KeyValues;
import org.jspecify.annotations.Nullable;

/**
 * The default convention of the observations of plugin operations:
 * <ul>
 * <li>name: the operation's, {@code plugins.load}, {@code plugins.reload},
 * {@code plugins.unload}, {@code plugins.cleanup}, {@code plugins.config.save},
 * {@code plugins.cloud.terminate} or {@code plugins.cloud.before-terminate};</li>
 * <li>contextual name (a span's name): {@code "plugin <operation> <category>"}, such as
 * {@code "plugin load transcription"};</li>
 * <li>low-cardinality keys: {@code plugin.category}, {@code outcome} ({@code success} or
 * {@code failure}), and {@code reason} for terminations and their before-terminate hooks ({@code idle}, {@code lifetime},
 * {@code budget}, {@code shutdown}, {@code operator});</li>
 * <li>high-cardinality key: {@code plugin.id}.</li>
 * </ul>
 */
public class DefaultPluginObservationConvention implements PluginObservationConvention {

	/** {@code "plugin load "}... by operation, computed once. */
	private static final Map<PluginOperation, String> VERBS = verbs();

	/** The shared instance. */
	public static final DefaultPluginObservationConvention INSTANCE = new DefaultPluginObservationConvention();

	/** The name is the operation's, set on the context. */
	@Override
	public @Nullable String getName() {
		return null;
	}

	@Override
	public String getContextualName(PluginObservationContext context) {
		return VERBS.get(context.getOperation()) + context.getCategory();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(PluginObservationContext context) {
		KeyValues keys = KeyValues.of(KeyValue.of("plugin.category", context.getCategory()),
				KeyValue.of("outcome", context.isFailure() ? "failure" : "success"));
		for (Map.Entry<String, String> extra : context.getExtraLowCardinalityKeys().entrySet()) {
			keys = keys.and(extra.getKey(), extra.getValue());
		}
		return keys;
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(PluginObservationContext context) {
		return KeyValues.of("plugin.id", context.getUniqueId());
	}

	private static Map<PluginOperation, String> verbs() {
		Map<PluginOperation, String> verbs = new EnumMap<>(PluginOperation.class);
		for (PluginOperation operation : PluginOperation.values()) {
			verbs.put(operation, "plugin " + operation.name().toLowerCase(Locale.ROOT).replace('_', ' ') + " ");
		}
		return verbs;
	}

}
