package dev.unifiedplugins.actuate;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.util.ClassUtils;

/**
 * {@link RuntimeHintsRegistrar} for the {@link PluginsEndpoint} in a native image. Spring
 * Boot registers the types its operations declare, and theirs in turn; this adds what
 * Jackson finds only on the objects it is given: the list of entries and its serializer,
 * and the answer of a save with {@code "await"}, which the write operation returns as an
 * {@code Object}.
 */
class PluginsEndpointRuntimeHints implements RuntimeHintsRegistrar {

	private static final String ENDPOINT_ANNOTATION = "org.springframework.boot.actuate.endpoint.annotation.Endpoint";

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		if (!ClassUtils.isPresent(ENDPOINT_ANNOTATION, classLoader)) {
			return; // no actuator, no endpoint
		}
		hints.reflection()
			.registerType(RenderedPluginEntries.Entries.class)
			.registerType(RenderedPluginEntries.EntriesSerializer.class, MemberCategory.INVOKE_DECLARED_CONSTRUCTORS);
		new BindingReflectionHintsRegistrar().registerReflectionHints(hints.reflection(), AwaitedSaveDescriptor.class,
				AppliedDescriptor.class);
	}

}
