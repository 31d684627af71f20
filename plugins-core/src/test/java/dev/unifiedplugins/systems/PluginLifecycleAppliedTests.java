package dev.unifiedplugins.systems;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import dev.unifiedplugins.applied.AppliedAwait;
import dev.unifiedplugins.applied.AppliedRevision;
import dev.unifiedplugins.applied.LocalAppliedRevisions;
import dev.unifiedplugins.config.ExpectedRevision;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.processes.ThisProcess;
import dev.unifiedplugins.testsupport.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What a {@link PluginLifecycle} records of its loads, reloads and unloads in
 * {@link dev.unifiedplugins.applied.AppliedRevisions}, on the file store: this instance's
 * entry, with the revision each load read and the error of one that failed.
 */
class PluginLifecycleAppliedTests {

	private static final String ENGLISH = "greeters_english";

	private static final String INSTANCE = "instance-1";

	@TempDir
	Path configDir;

	private UnifiedPluginRegistry registry;

	private LocalAppliedRevisions applied;

	private PluginLifecycle lifecycle;

	@BeforeEach
	void register() {
		Greeters.reset();
		this.registry = new UnifiedPluginRegistry(this.configDir);
		this.registry.registerPluginManager("greeters", new ServiceLoaderPluginManager<>(GreeterPlugin.class));
		this.applied = new LocalAppliedRevisions(INSTANCE);
		this.lifecycle = new PluginLifecycle(this.registry, Duration.ofSeconds(5), this.applied);
	}

	@AfterEach
	void close() {
		this.lifecycle.close();
	}

	@Test
	void loadingRecordsThisInstanceWithTheRevisionItApplied() {
		String revision = save(Map.of("greeting", "Hi"));
		this.lifecycle.load(ENGLISH);
		assertThat(this.applied.get(ENGLISH)).containsOnlyKeys(INSTANCE);
		AppliedRevision entry = entry();
		assertThat(entry.revision()).isEqualTo(revision);
		assertThat(entry.error()).isNull();
		assertThat(entry.at()).isNotNull();
	}

	@Test
	void loadingWithNothingSavedRecordsNoRevision() {
		this.lifecycle.load(ENGLISH);
		assertThat(entry().revision()).isNull();
		assertThat(entry().failed()).isFalse();
	}

	@Test
	void aSaveReloadsThePluginAndRecordsTheNewRevision() {
		Object first = this.lifecycle.load(ENGLISH);
		String revision = save(Map.of("greeting", "Hey"));
		Await.until("the new revision is recorded", () -> revision.equals(entry().revision()));
		assertThat(entry().error()).isNull();
		EnglishGreeter reloaded = (EnglishGreeter) this.registry.getPluginInstance(ENGLISH).orElseThrow();
		assertThat(reloaded).isNotSameAs(first);
		assertThat(reloaded.config().greeting()).as("the configuration of the revision recorded").isEqualTo("Hey");
	}

	@Test
	void aFailedReloadRecordsItsErrorWithTheRevisionItFailedAndKeepsThePreviousInstance() {
		String before = save(Map.of("greeting", "Hi"));
		Object first = this.lifecycle.load(ENGLISH);
		Greeters.failing("english", true);
		String failed = save(Map.of("greeting", "Hey"));
		assertThat(failed).isNotEqualTo(before);
		Await.until("the failure is recorded", () -> failed.equals(entry().revision()));
		assertThat(entry().error()).contains("fails on purpose").isEqualTo(this.lifecycle.getLoadError(ENGLISH).orElseThrow());
		assertThat(this.registry.getPluginInstance(ENGLISH)).containsSame(first);

		Greeters.failing("english", false);
		String fixed = save(Map.of("greeting", "Hello there"));
		Await.until("the success is recorded", () -> fixed.equals(entry().revision()));
		assertThat(entry().error()).isNull();
	}

	@Test
	void aFailedFirstLoadIsRecordedToo() {
		Greeters.failing("english", true);
		assertThatExceptionOfType(PluginLoadException.class).isThrownBy(() -> this.lifecycle.load(ENGLISH));
		assertThat(entry().error()).contains("fails on purpose");
		assertThat(entry().revision()).isNull();
	}

	@Test
	void unloadingForgetsThePlugin() {
		this.lifecycle.load(ENGLISH);
		this.lifecycle.unload(ENGLISH);
		assertThat(this.applied.get(ENGLISH)).isEmpty();
	}

	@Test
	void aPluginWithoutConfigurationRecordsTheRevisionStoredWhenItLoaded() {
		String revision = this.registry.savePluginConfig("greeters_computed", Map.of("note", 1), ExpectedRevision.any());
		this.lifecycle.load("greeters_computed");
		assertThat(this.applied.get("greeters_computed").get(INSTANCE).revision()).isEqualTo(revision);
	}

	@Test
	void anAwaitedSaveWaitsForThisInstancesOwnReload() {
		this.lifecycle.load(ENGLISH);
		String revision = save(Map.of("greeting", "Hey"));
		AppliedAwait.Awaited awaited = AppliedAwait.await(this.applied, ENGLISH, revision, Await.BOUND);
		assertThat(awaited.awaited()).isTrue();
		assertThat(awaited.applied()).containsOnlyKeys(INSTANCE);
		assertThat(awaited.applied().get(INSTANCE).revision()).isEqualTo(revision);
		assertThat(((EnglishGreeter) this.registry.getPluginInstance(ENGLISH).orElseThrow()).config().greeting())
			.isEqualTo("Hey");
	}

	@Test
	void aLifecycleMadeWithoutAppliedRevisionsRecordsUnderThisProcesssName() {
		try (PluginLifecycle own = new PluginLifecycle(this.registry)) {
			own.load("greeters_computed");
			assertThat(own.getAppliedRevisions().instanceName()).isEqualTo(ThisProcess.name());
			assertThat(own.getAppliedRevisions().get("greeters_computed")).containsOnlyKeys(ThisProcess.name());
		}
	}

	private String save(Map<String, Object> config) {
		return this.registry.savePluginConfig(ENGLISH, config, ExpectedRevision.any());
	}

	private AppliedRevision entry() {
		return this.applied.get(ENGLISH).get(INSTANCE);
	}

}
