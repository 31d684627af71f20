package dev.unifiedplugins.lifecycle;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.preinitialize.BackgroundPreinitializer;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * The schema validator is loaded on Spring Boot's background preinitialization thread.
 */
class PluginsBackgroundPreinitializerTests {

	@Test
	void isRegisteredWithSpringBoot() {
		assertThat(SpringFactoriesLoader.forDefaultResourceLocation().load(BackgroundPreinitializer.class))
			.hasAtLeastOneElementOfType(PluginsBackgroundPreinitializer.class);
	}

	@Test
	void preinitializesWithoutFailing() {
		assertThatNoException().isThrownBy(() -> new PluginsBackgroundPreinitializer().preinitialize());
	}

}
