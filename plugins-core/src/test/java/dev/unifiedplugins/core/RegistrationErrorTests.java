package dev.unifiedplugins.core;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.ServiceConfigurationError;

import dev.unifiedplugins.testsupport.TestPluginManager;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Tests of registrations that cannot succeed: colliding unique ids and managers that
 * misbehave. They fail loudly, naming what is wrong, and leave earlier registrations
 * intact.
 */
class RegistrationErrorTests {

	@TempDir
	Path configDir;

	UnifiedPluginRegistry registry;

	@BeforeEach
	void createRegistry() {
		this.registry = new UnifiedPluginRegistry(this.configDir);
	}

	@Test
	void collidingUniqueIdIsRejectedNamingItAndTheFirstPluginStays() {
		TestPluginManager first = TestPluginManager.of("c");
		this.registry.registerPluginManager("a_b", first);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.registry.registerPluginManager("a", TestPluginManager.of("b_c")))
			.withMessageContaining("'a_b_c'");
		PluginMetadata kept = this.registry.getPlugin("a_b_c").orElseThrow();
		assertThat(kept.category()).isEqualTo("a_b");
		assertThat(kept.name()).isEqualTo("c");
		assertThat(this.registry.getManager("a_b")).containsSame(first);
		assertThat(this.registry.getManager("a")).isEmpty();
		assertThat(this.registry.getCategories()).containsExactly("a_b");
		assertThat(this.registry.getAllPlugins()).extracting(PluginMetadata::uniqueId).containsExactly("a_b_c");
	}

	@Test
	void collisionIsDetectedWhicheverCategoryCameFirst() {
		this.registry.registerPluginManager("a", TestPluginManager.of("b_c"));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.registry.registerPluginManager("a_b", TestPluginManager.of("c")))
			.withMessageContaining("'a_b_c'");
		assertThat(this.registry.getPlugin("a_b_c").orElseThrow().category()).isEqualTo("a");
	}

	@Test
	void registrationWithACollisionRegistersNoneOfTheManagersPlugins() {
		this.registry.registerPluginManager("a_b", TestPluginManager.of("c"));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.registry.registerPluginManager("a", TestPluginManager.of("x", "b_c", "y")));
		assertThat(this.registry.getPlugin("a_x")).isEmpty();
		assertThat(this.registry.getPlugin("a_y")).isEmpty();
		assertThat(this.registry.getAllPlugins()).hasSize(1);
	}

	@Test
	void reRegisteringTheSameCategoryIsNoCollision() {
		this.registry.registerPluginManager("a_b", TestPluginManager.of("c"));
		TestPluginManager second = TestPluginManager.of("c");
		this.registry.registerPluginManager("a_b", second);
		assertThat(this.registry.getManager("a_b")).containsSame(second);
		assertThat(this.registry.getAllPlugins()).extracting(PluginMetadata::uniqueId).containsExactly("a_b_c");
	}

	@Test
	void managerReturningNullIsAnErrorNamingCategoryAndManager() {
		PluginManager manager = () -> null;
		assertThatIllegalStateException().isThrownBy(() -> this.registry.registerPluginManager("llm", manager))
			.withMessageContaining("'llm'")
			.withMessageContaining(manager.getClass().getName())
			.withMessageContaining("null");
		assertThat(this.registry.getCategories()).isEmpty();
		assertThat(this.registry.getRegistrationFailures()).containsOnlyKeys("llm");
	}

	@Test
	void nullDescriptorIsAnErrorNamingTheCategory() {
		PluginManager manager = () -> Arrays.asList(PluginDescriptor.builder("llama3").build(), null);
		assertThatIllegalStateException().isThrownBy(() -> this.registry.registerPluginManager("llm", manager))
			.withMessageContaining("'llm'")
			.withMessageContaining("null plugin descriptor");
		assertThat(this.registry.getAllPlugins()).isEmpty();
	}

	@Test
	void duplicatePluginNamesAreAnErrorNamingTheName() {
		TestPluginManager manager = TestPluginManager.of("llama3", "gpt4", "llama3");
		assertThatIllegalArgumentException().isThrownBy(() -> this.registry.registerPluginManager("llm", manager))
			.withMessageContaining("'llama3'")
			.withMessageContaining("'llm'");
		assertThat(this.registry.getAllPlugins()).isEmpty();
	}

	@Test
	void nullManagerIsRejectedNamingTheCategory() {
		assertThatExceptionOfType(NullPointerException.class)
			.isThrownBy(() -> this.registry.registerPluginManager("llm", null))
			.withMessageContaining("'llm'");
	}

	@Test
	void discoveryFailurePropagatesAndIsKeptForItsCategory() {
		IllegalStateException failure = new IllegalStateException("model index unreachable");
		this.registry.registerPluginManager("transcription", TestPluginManager.of("whisper_tiny"));
		PluginManager broken = () -> {
			throw failure;
		};
		Throwable thrown = catchThrowable(() -> this.registry.registerPluginManager("llm", broken));
		assertThat(thrown).isSameAs(failure);
		assertThat(this.registry.getRegistrationFailures()).containsOnlyKeys("llm");
		assertThat(this.registry.getRegistrationFailures().get("llm")).isSameAs(failure);
		assertThat(this.registry.getCategories()).containsExactly("transcription");
		assertThat(this.registry.getAllPlugins()).extracting(PluginMetadata::uniqueId)
			.containsExactly("transcription_whisper_tiny");
	}

	@Test
	void discoveryErrorIsKeptToo() {
		ServiceConfigurationError failure = new ServiceConfigurationError("provider not found");
		PluginManager broken = () -> {
			throw failure;
		};
		assertThat(catchThrowable(() -> this.registry.registerPluginManager("llm", broken))).isSameAs(failure);
		assertThat(this.registry.getRegistrationFailures()).containsEntry("llm", failure);
	}

	@Test
	void failedReRegistrationKeepsThePreviousManagerAndPlugins() {
		TestPluginManager working = TestPluginManager.of("llama3");
		this.registry.registerPluginManager("llm", working);
		PluginManager broken = () -> {
			throw new IllegalStateException("boom");
		};
		assertThatIllegalStateException().isThrownBy(() -> this.registry.registerPluginManager("llm", broken));
		assertThat(this.registry.getManager("llm")).containsSame(working);
		assertThat(this.registry.getPlugin("llm_llama3")).isPresent();
		assertThat(this.registry.getRegistrationFailures()).containsOnlyKeys("llm");
	}

	@Test
	void successfulRegistrationClearsAnEarlierFailure() {
		PluginManager broken = () -> {
			throw new IllegalStateException("boom");
		};
		assertThatIllegalStateException().isThrownBy(() -> this.registry.registerPluginManager("llm", broken));
		this.registry.registerPluginManager("llm", TestPluginManager.of("llama3"));
		assertThat(this.registry.getRegistrationFailures()).isEmpty();
		assertThat(this.registry.getPlugin("llm_llama3")).isPresent();
	}

	@Test
	void registrationFailuresAreSortedAndImmutable() {
		PluginManager broken = () -> {
			throw new IllegalStateException("boom");
		};
		for (String category : List.of("llm", "finetuning", "transcription")) {
			assertThatIllegalStateException()
				.isThrownBy(() -> this.registry.registerPluginManager(category, broken));
		}
		assertThat(this.registry.getRegistrationFailures().keySet()).containsExactly("finetuning", "llm",
				"transcription");
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> this.registry.getRegistrationFailures().clear());
	}

	@Test
	void pluginWhoseManagerFailsToReturnItsInstanceShowsItsRegisteredMetadata() {
		TestPluginManager manager = new TestPluginManager(PluginDescriptor.builder("llama3").build()) {

			@Override
			public Optional<Object> getPlugin(String name) {
				throw new IllegalStateException("not loaded yet");
			}

		};
		this.registry.registerPluginManager("llm", manager);
		assertThat(this.registry.getPlugin("llm_llama3")).hasValueSatisfying(
				(plugin) -> assertThat(plugin.hasActiveResources()).isFalse());
		assertThat(this.registry.getAllPlugins()).hasSize(1);
	}

	@Test
	void managerReturningANullOptionalMeansNoInstance() {
		TestPluginManager manager = new TestPluginManager(PluginDescriptor.builder("llama3").build()) {

			@Override
			public Optional<Object> getPlugin(String name) {
				return null;
			}

		};
		this.registry.registerPluginManager("llm", manager);
		assertThat(this.registry.getPluginInstance("llm_llama3")).isEmpty();
		assertThat(this.registry.getPlugin("llm_llama3")).isPresent();
	}

}
