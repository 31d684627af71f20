package dev.unifiedplugins.config;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

/**
 * The seed's whisper plugin configuration, as a plugin author would write it.
 */
@PluginConfigTitle("Whisper")
@JsonClassDescription("Speech to text with OpenAI Whisper")
public record WhisperConfig(
		@JsonPropertyDescription("Where the model runs") @JsonProperty(defaultValue = "cpu") Device device,
		@JsonPropertyDescription("Model name") @JsonProperty(required = true) @Pattern(
				regexp = "^(tiny|base|small|medium|large)(\\.en)?$") String model,
		@JsonPropertyDescription("Beams searched while decoding") @JsonProperty(
				defaultValue = "5") @Min(1) @Max(10) int beamSize,
		@JsonProperty(defaultValue = "0.0") @DecimalMin("0.0") @DecimalMax("1.0") double temperature,
		@Size(max = 3) @Nullable List<String> languages, @Nullable Decoding decoding) {

	/** Where the model runs. */
	public enum Device {

		@JsonProperty("cpu")
		CPU,

		@JsonProperty("cuda")
		CUDA

	}

	/** Nested settings. */
	@JsonClassDescription("Decoding options")
	public record Decoding(@JsonProperty(defaultValue = "true") boolean timestamps,
			@JsonProperty(defaultValue = "30") @Positive int chunkSeconds) {
	}

}
