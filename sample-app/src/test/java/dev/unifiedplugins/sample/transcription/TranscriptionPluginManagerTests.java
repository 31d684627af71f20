package dev.unifiedplugins.sample.transcription;

import java.time.Duration;
import java.util.List;

import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.core.PluginExecutionMode;
import dev.unifiedplugins.protocols.LifecycleAwarePlugin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.unifiedplugins.sample.ProcessAssertions.awaitGone;
import static dev.unifiedplugins.sample.ProcessAssertions.tone;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TranscriptionPluginManager}.
 */
class TranscriptionPluginManagerTests {

	private TranscriptionPluginManager manager = new TranscriptionPluginManager(true, Duration.ofSeconds(60));

	@AfterEach
	void stop() {
		this.manager.stop();
	}

	@Test
	void describesItsCategoryAndPlugins() {
		assertThat(this.manager.category()).isEqualTo("transcription");
		assertThat(this.manager.displayName()).isEqualTo("Speech to Text");
		List<PluginDescriptor> plugins = this.manager.discoverPlugins();
		assertThat(plugins).extracting(PluginDescriptor::name).containsExactly("whisper_tiny", "voxtral_vllm");
		PluginDescriptor whisper = plugins.get(0);
		assertThat(whisper.version()).isEqualTo("1.0.0");
		assertThat(whisper.executionMode()).isEqualTo(PluginExecutionMode.IN_PROCESS);
		assertThat(whisper.configSchema()).containsKeys("title", "description", "properties");
		PluginDescriptor voxtral = plugins.get(1);
		assertThat(voxtral.executionMode()).isEqualTo(PluginExecutionMode.SUBPROCESS);
		assertThat(voxtral.managesChildProcesses()).isTrue();
	}

	@Test
	void getPluginLoadsNothingBeforeTheStart() {
		assertThat(this.manager.getPlugin("whisper_tiny")).isEmpty();
		assertThat(this.manager.getPlugin("voxtral_vllm")).isEmpty();
		assertThat(this.manager.isRunning()).isFalse();
	}

	@Test
	void startLoadsThePluginsAndStopEndsTheWorker() {
		this.manager.start();
		assertThat(this.manager.getPlugin("whisper_tiny")).containsInstanceOf(WhisperTinyPlugin.class);
		Object voxtral = this.manager.getPlugin("voxtral_vllm").orElseThrow();
		List<Long> pids = LifecycleAwarePlugin.getAllManagedPids(voxtral);
		assertThat(pids).hasSize(2);
		this.manager.stop();
		awaitGone(pids);
		assertThat(LifecycleAwarePlugin.getAllManagedPids(voxtral)).isEmpty();
		assertThat(this.manager.isRunning()).isFalse();
	}

	@Test
	void disabledWorkerLeavesItsPluginUnloaded() {
		this.manager = new TranscriptionPluginManager(false, Duration.ofSeconds(60));
		this.manager.start();
		assertThat(this.manager.getPlugin("voxtral_vllm")).isEmpty();
		WhisperTinyPlugin whisper = (WhisperTinyPlugin) this.manager.getPlugin("whisper_tiny").orElseThrow();
		assertThat(whisper.getDevice()).isEqualTo("cpu");
		assertThat(whisper.transcribe(tone(2))).isEqualTo("[2.00 s of speech]");
	}

	@Test
	void getPluginOfAnUnknownNameIsEmpty() {
		this.manager = new TranscriptionPluginManager(false, Duration.ofSeconds(60));
		this.manager.start();
		assertThat(this.manager.getPlugin("whisper_large")).isEmpty();
	}

}
