package dev.unifiedplugins.lifecycle;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.unifiedplugins.config.PluginConfigSchema;
import dev.unifiedplugins.config.PluginConfigSchemaGenerator;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.boot.autoconfigure.preinitialize.BackgroundPreinitializer;

/**
 * Loads the JSON Schema generator and validator on Spring Boot's background
 * preinitialization thread, while the application context is still being prepared.
 * <p>
 * Plugins that declare their configuration as a class have its schema generated, and
 * registering a plugin checks its schema against the JSON Schema metaschema. The first of
 * each loads a library, the metaschema and their Jackson modules: a few hundred
 * milliseconds of class loading that would otherwise sit on the startup path. Like Spring
 * Boot's own preinitializers, this runs only on machines with more than one processor,
 * and not when the system property {@code spring.backgroundpreinitializer.ignore} is
 * {@code true}.
 */
public final class PluginsBackgroundPreinitializer implements BackgroundPreinitializer {

	@Override
	public void preinitialize() {
		PluginConfigSchema schema = PluginConfigSchema.of(PluginConfigSchemaGenerator.generate(Sample.class))
			.check();
		schema.validate("preinitialization", schema.withDefaults(Map.of("threads", 2)));
	}

	/** A configuration that uses what plugin configurations commonly use. */
	record Sample(@JsonProperty(defaultValue = "tiny") Model model, @Min(1) @Max(64) int threads) {

		enum Model {

			@JsonProperty("tiny")
			TINY,

			@JsonProperty("base")
			BASE

		}

	}

}
