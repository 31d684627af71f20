package dev.unifiedplugins.core;

import java.util.Map;
import java.util.Objects;

import dev.unifiedplugins.json.Json;
import org.jspecify.annotations.Nullable;

/**
 * A remote or cloud resource that a plugin uses: a VM, a container job or a serverless
 * endpoint, with where it runs and what it costs.
 *
 * @param provider the cloud provider or service
 * @param region the region or zone, if known
 * @param instanceId the VM or instance identifier
 * @param jobId the job or task identifier on the remote system
 * @param endpointUrl the HTTP endpoint for API access
 * @param sshHost the SSH host for remote access
 * @param sshPort the SSH port, 22 by default
 * @param status the current status, such as {@code provisioning}, {@code running},
 * {@code stopped}; {@code unknown} by default
 * @param resourceType the instance type, such as {@code p3.2xlarge}
 * @param gpuCount the number of GPUs
 * @param gpuType the GPU model, such as {@code A100}
 * @param estimatedCostPerHour the estimated cost in USD per hour, if known
 * @param metadata additional provider-specific data
 */
public record RemoteResourceInfo(CloudProviderType provider, @Nullable String region, @Nullable String instanceId,
		@Nullable String jobId, @Nullable String endpointUrl, @Nullable String sshHost, int sshPort, String status,
		@Nullable String resourceType, int gpuCount, @Nullable String gpuType, @Nullable Double estimatedCostPerHour,
		Map<String, Object> metadata) {

	/** The status of a resource that is up and billing. */
	public static final String RUNNING = "running";

	public RemoteResourceInfo {
		Objects.requireNonNull(provider, "provider must not be null");
		status = (status != null) ? status : "unknown";
		metadata = Json.immutableCopy(metadata);
	}

	/**
	 * Starts a builder with the defaults: SSH port 22, status {@code unknown}, no GPUs, no
	 * metadata.
	 * @param provider the cloud provider
	 * @return a new builder
	 */
	public static Builder builder(CloudProviderType provider) {
		return new Builder(provider);
	}

	/**
	 * Whether the resource is running, that is, its status is {@code "running"}.
	 * @return true when running
	 */
	public boolean isRunning() {
		return RUNNING.equals(this.status);
	}

	/**
	 * A copy of this resource with another status.
	 * @param status the new status
	 * @return the copy
	 */
	public RemoteResourceInfo withStatus(String status) {
		return new RemoteResourceInfo(this.provider, this.region, this.instanceId, this.jobId, this.endpointUrl,
				this.sshHost, this.sshPort, status, this.resourceType, this.gpuCount, this.gpuType,
				this.estimatedCostPerHour, this.metadata);
	}

	/** Builder for {@link RemoteResourceInfo}. */
	public static final class Builder {

		private final CloudProviderType provider;

		private @Nullable String region;

		private @Nullable String instanceId;

		private @Nullable String jobId;

		private @Nullable String endpointUrl;

		private @Nullable String sshHost;

		private int sshPort = 22;

		private String status = "unknown";

		private @Nullable String resourceType;

		private int gpuCount;

		private @Nullable String gpuType;

		private @Nullable Double estimatedCostPerHour;

		private Map<String, Object> metadata = Map.of();

		private Builder(CloudProviderType provider) {
			this.provider = Objects.requireNonNull(provider, "provider must not be null");
		}

		public Builder region(@Nullable String region) {
			this.region = region;
			return this;
		}

		public Builder instanceId(@Nullable String instanceId) {
			this.instanceId = instanceId;
			return this;
		}

		public Builder jobId(@Nullable String jobId) {
			this.jobId = jobId;
			return this;
		}

		public Builder endpointUrl(@Nullable String endpointUrl) {
			this.endpointUrl = endpointUrl;
			return this;
		}

		public Builder sshHost(@Nullable String sshHost) {
			this.sshHost = sshHost;
			return this;
		}

		public Builder sshPort(int sshPort) {
			this.sshPort = sshPort;
			return this;
		}

		public Builder status(String status) {
			this.status = Objects.requireNonNull(status, "status must not be null");
			return this;
		}

		public Builder resourceType(@Nullable String resourceType) {
			this.resourceType = resourceType;
			return this;
		}

		public Builder gpuCount(int gpuCount) {
			this.gpuCount = gpuCount;
			return this;
		}

		public Builder gpuType(@Nullable String gpuType) {
			this.gpuType = gpuType;
			return this;
		}

		public Builder estimatedCostPerHour(@Nullable Double estimatedCostPerHour) {
			this.estimatedCostPerHour = estimatedCostPerHour;
			return this;
		}

		public Builder metadata(Map<String, Object> metadata) {
			this.metadata = Objects.requireNonNull(metadata, "metadata must not be null");
			return this;
		}

		/**
		 * Builds the resource.
		 * @return a new {@link RemoteResourceInfo}
		 */
		public RemoteResourceInfo build() {
			return new RemoteResourceInfo(this.provider, this.region, this.instanceId, this.jobId, this.endpointUrl,
					this.sshHost, this.sshPort, this.status, this.resourceType, this.gpuCount, this.gpuType,
					this.estimatedCostPerHour, this.metadata);
		}

	}

}
