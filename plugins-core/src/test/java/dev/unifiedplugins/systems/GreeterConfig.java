package dev.unifiedplugins.systems;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.Min;

/**
 * A greeter's configuration, with a default for each value.
 */
public record GreeterConfig(@JsonProperty(defaultValue = "Hello") String greeting,
		@JsonProperty(defaultValue = "1") @Min(1) int repeat) {
}
