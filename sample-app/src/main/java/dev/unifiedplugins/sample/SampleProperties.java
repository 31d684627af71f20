package dev.unifiedplugins.sample;

import java.net.URI;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the sample plugins.
 *
 * @param transcription Settings of the transcription plugins.
 * @param ollama Settings of the local Ollama plugin.
 * @param cloud Settings of the simulated cloud GPU plugin.
 */
@ConfigurationProperties("sample")
public record SampleProperties(@DefaultValue Transcription transcription, @DefaultValue Ollama ollama,
		@DefaultValue Cloud cloud) {

	/**
	 * Settings of the transcription plugins.
	 *
	 * @param worker Settings of the voxtral_vllm worker process.
	 */
	public record Transcription(@DefaultValue Worker worker) {

	}

	/**
	 * Settings of the voxtral_vllm worker process.
	 *
	 * @param enabled Whether to start the worker process when the application starts.
	 * @param startupTimeout How long to wait for the worker to report that it is ready.
	 */
	public record Worker(@DefaultValue("true") boolean enabled, @DefaultValue("30s") Duration startupTimeout) {

	}

	/**
	 * Settings of the local Ollama plugin. Nothing connects to it: the plugin only reports
	 * where the service is.
	 *
	 * @param url Base URL of the Ollama server, unless the plugin's saved configuration names
	 * another.
	 * @param model Model the plugin uses, unless its saved configuration names another.
	 */
	public record Ollama(@DefaultValue("http://127.0.0.1:11434") URI url, @DefaultValue("llama3") String model) {

	}

	/**
	 * Settings of the simulated cloud GPU plugin.
	 *
	 * @param pricePerHour Hourly price in USD of the rented GPU instance.
	 * @param region Region in which the instance is rented, unless the plugin's saved
	 * configuration names another.
	 */
	public record Cloud(@DefaultValue("4.40") double pricePerHour, @DefaultValue("us-west-1") String region) {

		public Cloud {
			if (!Double.isFinite(pricePerHour) || pricePerHour < 0) {
				throw new IllegalArgumentException(
						"sample.cloud.price-per-hour must be a finite amount of USD of at least 0, but was "
								+ pricePerHour);
			}
		}

	}

}
