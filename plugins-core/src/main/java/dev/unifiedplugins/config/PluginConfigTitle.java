package dev.unifiedplugins.config;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The {@code title} of the JSON Schema generated from a configuration class, which the
 * registry shows as the plugin's title when its descriptor has none. Jackson has an
 * annotation for the description ({@code @JsonClassDescription}) but none for a title.
 *
 * @see PluginConfigSchemaGenerator
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface PluginConfigTitle {

	/** {@return the title} */
	String value();

}
