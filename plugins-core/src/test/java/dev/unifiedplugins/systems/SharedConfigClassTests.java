package dev.unifiedplugins.systems;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.unifiedplugins.config.PluginConfigSchema;
import dev.unifiedplugins.config.PluginConfigSchemaGenerator;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import jakarta.validation.constraints.Min;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Plugins that share one config record: each starts from the defaults its
 * {@link PluginInfo#defaults()} gives, and none takes the record's description as its own.
 */
class SharedConfigClassTests {

	@TempDir
	Path configDir;

	private PluginLifecycle lifecycle;

	@AfterEach
	void close() {
		if (this.lifecycle != null) {
			this.lifecycle.close();
		}
	}

	@Test
	void eachPluginLoadsWithItsOwnDefaults() {
		UnifiedPluginRegistry registry = register(French.class, Loud.class, Plain.class);
		this.lifecycle = new PluginLifecycle(registry);

		assertThat(((Speaker) this.lifecycle.load("speakers_french")).config())
			.isEqualTo(new SpeakerConfig("Bonjour", 1));
		assertThat(((Speaker) this.lifecycle.load("speakers_loud")).config()).isEqualTo(new SpeakerConfig("HELLO", 3));
		assertThat(((Speaker) this.lifecycle.load("speakers_plain")).config()).isEqualTo(new SpeakerConfig("Hello", 1));
	}

	@Test
	void eachPluginsSchemaShowsItsOwnDefaultsAndTheRecordsIsUnchanged() {
		UnifiedPluginRegistry registry = register(French.class, Loud.class);

		assertThat(PluginConfigSchema.of(registry.getPlugin("speakers_french").orElseThrow().configSchema()).defaults())
			.isEqualTo(Map.of("greeting", "Bonjour", "repeat", 1));
		assertThat(PluginConfigSchema.of(registry.getPlugin("speakers_loud").orElseThrow().configSchema()).defaults())
			.isEqualTo(Map.of("greeting", "HELLO", "repeat", 3));
		assertThat(PluginConfigSchema.of(PluginConfigSchemaGenerator.generate(SpeakerConfig.class)).defaults())
			.isEqualTo(Map.of("greeting", "Hello", "repeat", 1));
	}

	@Test
	void savedValuesStillWinOverAPluginsDefaults() {
		UnifiedPluginRegistry registry = register(Loud.class);
		this.lifecycle = new PluginLifecycle(registry);
		registry.savePluginConfig("speakers_loud", Map.of("repeat", 2));

		assertThat(((Speaker) this.lifecycle.load("speakers_loud")).config()).isEqualTo(new SpeakerConfig("HELLO", 2));
	}

	@Test
	void theRecordsDescriptionIsNoPluginsDescription() {
		UnifiedPluginRegistry registry = register(French.class, Loud.class);

		assertThat(registry.getPlugin("speakers_french").orElseThrow().description()).isNull();
		assertThat(registry.getPlugin("speakers_loud").orElseThrow().description()).isEqualTo("Shouts");
		assertThat(registry.getPlugin("speakers_french").orElseThrow().configSchema())
			.containsEntry("description", "How a speaker greets");
	}

	@Test
	void aDefaultForAPropertyTheRecordLacksNamesIt() {
		assertThatIllegalArgumentException().isThrownBy(() -> PluginDefinition.of(Misspelt.class))
			.withMessageContaining(Misspelt.class.getName())
			.withMessageContaining("'greting'")
			.withMessageContaining("[greeting, repeat]");
	}

	@Test
	void aDefaultThatBreaksTheSchemaNamesThePropertyAndTheRule() {
		assertThatIllegalArgumentException().isThrownBy(() -> PluginDefinition.of(Silent.class))
			.withMessageContaining(Silent.class.getName())
			.withMessageContaining("/repeat");
		assertThatIllegalArgumentException().isThrownBy(() -> PluginDefinition.of(NotANumber.class))
			.withMessageContaining(NotANumber.class.getName())
			.withMessageContaining("'many'");
	}

	@Test
	void aDefaultWithoutAnEqualsSignSaysHowToWriteIt() {
		assertThatIllegalArgumentException().isThrownBy(() -> PluginDefinition.of(NoEquals.class))
			.withMessageContaining(NoEquals.class.getName())
			.withMessageContaining("property=value");
	}

	private UnifiedPluginRegistry register(Class<?>... types) {
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(this.configDir);
		registry.registerPluginManager("speakers", new Speakers(List.of(types)));
		return registry;
	}

	@JsonClassDescription("How a speaker greets")
	public record SpeakerConfig(@JsonProperty(defaultValue = "Hello") String greeting,
			@JsonProperty(defaultValue = "1") @Min(1) int repeat) {
	}

	public abstract static class Speaker implements ConfigurablePlugin<SpeakerConfig> {

		private SpeakerConfig config;

		@Override
		public void configure(SpeakerConfig config) {
			this.config = config;
		}

		SpeakerConfig config() {
			return this.config;
		}

	}

	@PluginInfo(name = "french", defaults = "greeting=Bonjour")
	public static class French extends Speaker {

	}

	@PluginInfo(name = "loud", description = "Shouts", defaults = { "greeting=HELLO", "repeat=3" })
	public static class Loud extends Speaker {

	}

	@PluginInfo(name = "plain")
	public static class Plain extends Speaker {

	}

	@PluginInfo(name = "misspelt", defaults = "greting=Hi")
	public static class Misspelt extends Speaker {

	}

	@PluginInfo(name = "silent", defaults = "repeat=0")
	public static class Silent extends Speaker {

	}

	@PluginInfo(name = "not_a_number", defaults = "repeat=many")
	public static class NotANumber extends Speaker {

	}

	@PluginInfo(name = "no_equals", defaults = "greeting")
	public static class NoEquals extends Speaker {

	}

	/** A ready-made manager over a fixed list of classes. */
	static final class Speakers extends PluginSystemManager<Speaker> {

		private final List<Class<?>> types;

		Speakers(List<Class<?>> types) {
			super(Speaker.class);
			this.types = types;
		}

		@Override
		protected List<Candidate<Speaker>> findPlugins(Map<String, String> failures) {
			return this.types.stream().map((type) -> new Candidate<Speaker>(PluginDefinition.of(type), () -> {
				try {
					return (Speaker) type.getConstructor().newInstance();
				}
				catch (ReflectiveOperationException ex) {
					throw new IllegalStateException(ex);
				}
			}, type.getName())).toList();
		}

	}

}
