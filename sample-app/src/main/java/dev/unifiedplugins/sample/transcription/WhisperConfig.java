package dev.unifiedplugins.sample.transcription;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.unifiedplugins.config.PluginConfigTitle;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The Whisper plugin's configuration. Its JSON Schema is generated from this record, saved
 * configurations are validated against it, and the registry binds them back to it.
 *
 * @param device where the model runs
 * @param language the spoken language
 * @param beamSize beams searched while decoding
 * @param hfToken the token to download gated models with; write-only, so never shown
 */
@PluginConfigTitle("Whisper Tiny")
@JsonClassDescription("How Whisper decodes, and with which token it downloads gated models.")
public record WhisperConfig(
		@JsonPropertyDescription("Where the model runs") @JsonProperty(defaultValue = "cpu") Device device,
		@JsonPropertyDescription("Spoken language as an ISO 639-1 code") @JsonProperty(
				defaultValue = "en") @Pattern(regexp = "^[a-z]{2}$") String language,
		@JsonPropertyDescription("Beams searched while decoding") @JsonProperty(value = "beam_size",
				defaultValue = "5") @Min(1) @Max(10) int beamSize,
		@JsonPropertyDescription("Hugging Face token for gated models") @JsonProperty(value = "hf_token",
				access = JsonProperty.Access.WRITE_ONLY) @Nullable String hfToken) {

	/** Where the model runs. */
	public enum Device {

		/** On the CPU. */
		@JsonProperty("cpu")
		CPU,

		/** On an NVIDIA GPU. */
		@JsonProperty("cuda")
		CUDA

	}

}
