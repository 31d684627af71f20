package dev.unifiedplugins.sample.transcription;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;

import dev.unifiedplugins.core.PluginExecutionMode;
import dev.unifiedplugins.processes.ProcessTable;
import dev.unifiedplugins.protocols.LifecycleAwarePlugin;
import dev.unifiedplugins.sample.worker.PcmTranscriber;
import dev.unifiedplugins.sample.worker.TranscriptionWorker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.unifiedplugins.sample.ProcessAssertions.awaitGone;
import static dev.unifiedplugins.sample.ProcessAssertions.tone;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link VoxtralVllmPlugin}, with real worker processes.
 */
class VoxtralVllmPluginTests {

	private final VoxtralVllmPlugin plugin = new VoxtralVllmPlugin(Duration.ofSeconds(60));

	@AfterEach
	void cleanUp() {
		this.plugin.forceCleanup();
	}

	@Test
	void reportsNothingBeforeItStarts() {
		assertThat(this.plugin.getExecutionMode()).isEqualTo(PluginExecutionMode.SUBPROCESS);
		assertThat(this.plugin.getChildPids()).isEmpty();
		assertThat(LifecycleAwarePlugin.getAllManagedPids(this.plugin)).isEmpty();
		assertThat(this.plugin.getManagedResources()).containsEntry("status", "stopped");
		assertThatIllegalStateException().isThrownBy(() -> this.plugin.transcribe(tone(0.1)));
	}

	@Test
	void startRunsAWorkerWithItsOwnEngineBeneathIt() {
		this.plugin.start();
		long worker = this.plugin.getChildPids().get(0);
		long engine = enginePid();
		assertThat(this.plugin.getChildPids()).containsExactly(worker);
		assertThat(ProcessHandle.of(engine).flatMap(ProcessHandle::parent).map(ProcessHandle::pid)).contains(worker);
		assertThat(LifecycleAwarePlugin.getAllManagedPids(this.plugin)).containsExactly(worker, engine);
		assertThat(ProcessTable.isRunning(worker)).isTrue();
		assertThat(ProcessTable.isRunning(engine)).isTrue();
		this.plugin.start();
		assertThat(this.plugin.getChildPids()).as("child after a second start").containsExactly(worker);
	}

	@Test
	void workerServesHttpOnLoopback() throws Exception {
		this.plugin.start();
		URI url = this.plugin.getUrl().orElseThrow();
		assertThat(url.getHost()).isEqualTo("127.0.0.1");
		assertThat(this.plugin.getManagedResources()).containsEntry("url", url.toString())
			.containsEntry("pid", this.plugin.getChildPids().get(0))
			.containsEntry("status", "running");
		HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
		HttpResponse<String> health = client.send(
				HttpRequest.newBuilder(url.resolve(TranscriptionWorker.HEALTH_PATH)).build(), BodyHandlers.ofString());
		assertThat(health.statusCode()).isEqualTo(200);
		assertThat(health.body()).contains("\"status\":\"UP\"")
			.contains("\"pid\":" + this.plugin.getChildPids().get(0))
			.contains("\"enginePid\":" + enginePid());
		byte[] clip = tone(1.5);
		assertThat(this.plugin.transcribe(clip)).isEqualTo(PcmTranscriber.transcribe(clip))
			.isEqualTo("[1.50 s of speech]");
		assertThat(this.plugin.transcribe(new byte[3200])).isEqualTo("[0.10 s of silence]");
	}

	@Test
	void forceCleanupEndsWorkerAndEngine() {
		this.plugin.start();
		List<Long> pids = LifecycleAwarePlugin.getAllManagedPids(this.plugin);
		assertThat(pids).hasSize(2);
		this.plugin.forceCleanup();
		awaitGone(pids);
		assertThat(this.plugin.getChildPids()).isEmpty();
		assertThat(LifecycleAwarePlugin.getAllManagedPids(this.plugin)).isEmpty();
		assertThat(this.plugin.isRunning()).isFalse();
		this.plugin.forceCleanup();
	}

	private long enginePid() {
		return ((Number) this.plugin.getManagedResources().get("enginePid")).longValue();
	}

}
