package dev.unifiedplugins.sample.llm;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.unifiedplugins.config.PluginConfigTitle;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.jspecify.annotations.Nullable;

/**
 * The cloud GPU plugin's configuration: what the next GPU is rented as. A GPU already
 * running is kept; the settings apply to the next one rented.
 *
 * @param region the region to rent in; when unset, {@code sample.cloud.region}
 * @param gpuType the GPU model
 * @param gpuCount the number of GPUs
 */
@PluginConfigTitle("Llama 3 70B (cloud GPU)")
@JsonClassDescription("Where and on what the model is rented.")
public record Llama3CloudConfig(@JsonPropertyDescription("Region to rent in; sample.cloud.region when unset") @Nullable String region,
		@JsonPropertyDescription("GPU model") @JsonProperty(value = "gpu_type", defaultValue = "A100") GpuType gpuType,
		@JsonPropertyDescription("Number of GPUs") @JsonProperty(value = "gpu_count",
				defaultValue = "1") @Min(1) @Max(8) int gpuCount) {

	/** The configuration when none is saved. */
	public static final Llama3CloudConfig DEFAULTS = new Llama3CloudConfig(null, GpuType.A100, 1);

	public Llama3CloudConfig {
		gpuType = (gpuType != null) ? gpuType : GpuType.A100;
	}

	/** The GPU models the provider rents. */
	public enum GpuType {

		/** NVIDIA A100. */
		A100,

		/** NVIDIA H100. */
		H100

	}

}
