package dev.unifiedplugins.core;

import java.util.Arrays;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Cloud providers and GPU rental services a plugin may run on. The JSON form of each
 * constant is its {@link #value()}.
 */
public enum CloudProviderType {

	/** Amazon Web Services. */
	AWS("aws"),
	/** Google Cloud Platform. */
	GCP("gcp"),
	/** Microsoft Azure. */
	AZURE("azure"),
	/** Lambda Labs GPU cloud. */
	LAMBDA_LABS("lambda_labs"),
	/** RunPod. */
	RUNPOD("runpod"),
	/** Vast.ai. */
	VAST_AI("vast_ai"),
	/** Paperspace. */
	PAPERSPACE("paperspace"),
	/** Together AI. */
	TOGETHER_AI("together_ai"),
	/** Any other provider. */
	CUSTOM("custom");

	private final String value;

	CloudProviderType(String value) {
		this.value = value;
	}

	/**
	 * The wire value, as written in JSON and by the Python library.
	 * @return the value, such as {@code "lambda_labs"}
	 */
	@JsonValue
	public String value() {
		return this.value;
	}

	/**
	 * The provider whose {@link #value()} is the given string.
	 * @param value a wire value such as {@code "aws"}
	 * @return the matching provider
	 * @throws IllegalArgumentException naming the valid values when none matches
	 */
	@JsonCreator
	public static CloudProviderType fromValue(String value) {
		for (CloudProviderType type : values()) {
			if (type.value.equals(value)) {
				return type;
			}
		}
		throw new IllegalArgumentException("Unknown cloud provider '" + value + "'; valid values are "
				+ Arrays.stream(values()).map(CloudProviderType::value).collect(Collectors.joining(", ")));
	}

	@Override
	public String toString() {
		return this.value;
	}

}
