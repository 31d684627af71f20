package dev.unifiedplugins.actuate;

import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a native image needs for the {@code plugins} endpoint, beyond the types its
 * operations declare, is registered.
 */
class PluginsEndpointRuntimeHintsTests {

	@Test
	void isListedInAotFactories() {
		assertThat(SpringFactoriesLoader.forResourceLocation("META-INF/spring/aot.factories")
			.load(RuntimeHintsRegistrar.class)).hasAtLeastOneElementOfType(PluginsEndpointRuntimeHints.class);
	}

	@Test
	void theEntriesAndTheirSerializerCanBeReflectedOn() throws NoSuchMethodException {
		RuntimeHints hints = registeredHints(getClass().getClassLoader());
		assertThat(RuntimeHintsPredicates.reflection().onType(RenderedPluginEntries.Entries.class)).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection()
			.onConstructorInvocation(RenderedPluginEntries.EntriesSerializer.class.getDeclaredConstructor()))
			.accepts(hints);
	}

	@Test
	void registersNothingWithoutActuator() {
		RuntimeHints hints = registeredHints(new FilteredClassLoader(Endpoint.class));
		assertThat(hints.reflection().typeHints()).isEmpty();
	}

	private static RuntimeHints registeredHints(ClassLoader classLoader) {
		RuntimeHints hints = new RuntimeHints();
		new PluginsEndpointRuntimeHints().registerHints(hints, classLoader);
		return hints;
	}

}
