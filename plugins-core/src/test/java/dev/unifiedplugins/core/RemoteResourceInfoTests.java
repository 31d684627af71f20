package dev.unifiedplugins.core;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link RemoteResourceInfo}.
 */
class RemoteResourceInfoTests {

	@Test
	void builderDefaults() {
		RemoteResourceInfo info = RemoteResourceInfo.builder(CloudProviderType.AWS).build();
		assertThat(info.provider()).isEqualTo(CloudProviderType.AWS);
		assertThat(info.sshPort()).isEqualTo(22);
		assertThat(info.status()).isEqualTo("unknown");
		assertThat(info.gpuCount()).isZero();
		assertThat(info.metadata()).isEmpty();
		assertThat(info.region()).isNull();
		assertThat(info.instanceId()).isNull();
		assertThat(info.jobId()).isNull();
		assertThat(info.endpointUrl()).isNull();
		assertThat(info.sshHost()).isNull();
		assertThat(info.resourceType()).isNull();
		assertThat(info.gpuType()).isNull();
		assertThat(info.estimatedCostPerHour()).isNull();
		assertThat(info.isRunning()).isFalse();
	}

	@Test
	void builderSetsEveryField() {
		RemoteResourceInfo info = fullyBuilt("running");
		assertThat(info).isEqualTo(new RemoteResourceInfo(CloudProviderType.LAMBDA_LABS, "us-east-1", "i-123",
				"job-9", "https://gpu.example/v1", "gpu.example", 2222, "running", "gpu_1x_a100", 1, "A100", 4.40,
				Map.of("zone", "a")));
	}

	@Test
	void isRunningOnlyWhenStatusIsRunning() {
		assertThat(fullyBuilt("running").isRunning()).isTrue();
		assertThat(fullyBuilt("provisioning").isRunning()).isFalse();
		assertThat(fullyBuilt("stopped").isRunning()).isFalse();
		assertThat(fullyBuilt("RUNNING").isRunning()).isFalse();
	}

	@Test
	void withStatusChangesOnlyTheStatus() {
		RemoteResourceInfo running = fullyBuilt("provisioning").withStatus("running");
		assertThat(running).isEqualTo(fullyBuilt("running"));
		assertThat(running.isRunning()).isTrue();
		assertThat(running.withStatus("terminated").isRunning()).isFalse();
	}

	@Test
	void nullStatusInTheConstructorIsUnknown() {
		RemoteResourceInfo info = new RemoteResourceInfo(CloudProviderType.GCP, null, null, null, null, null, 22, null,
				null, 0, null, null, null);
		assertThat(info.status()).isEqualTo("unknown");
		assertThat(info.metadata()).isEmpty();
	}

	@Test
	void metadataIsAnImmutableCopy() {
		Map<String, Object> source = new HashMap<>();
		source.put("tags", List.of("a"));
		source.put("labels", new HashMap<>(Map.of("team", "ml")));
		RemoteResourceInfo info = RemoteResourceInfo.builder(CloudProviderType.CUSTOM).metadata(source).build();
		source.put("added", true);
		assertThat(info.metadata()).containsOnlyKeys("tags", "labels");
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> info.metadata().put("x", 1));
		@SuppressWarnings("unchecked")
		Map<String, Object> labels = (Map<String, Object>) info.metadata().get("labels");
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> labels.put("x", 1));
	}

	@Test
	void providerIsRequired() {
		assertThatExceptionOfType(NullPointerException.class).isThrownBy(() -> RemoteResourceInfo.builder(null))
			.withMessageContaining("provider");
	}

	private static RemoteResourceInfo fullyBuilt(String status) {
		return RemoteResourceInfo.builder(CloudProviderType.LAMBDA_LABS)
			.region("us-east-1")
			.instanceId("i-123")
			.jobId("job-9")
			.endpointUrl("https://gpu.example/v1")
			.sshHost("gpu.example")
			.sshPort(2222)
			.status(status)
			.resourceType("gpu_1x_a100")
			.gpuCount(1)
			.gpuType("A100")
			.estimatedCostPerHour(4.40)
			.metadata(Map.of("zone", "a"))
			.build();
	}

}
