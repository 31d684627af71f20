package dev.unifiedplugins.autoconfigure;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.unifiedplugins.autoconfigure.PluginsObservationAutoConfigurationTests.Gpu;
import dev.unifiedplugins.autoconfigure.PluginsObservationAutoConfigurationTests.Loudness;
import dev.unifiedplugins.autoconfigure.PluginsObservationAutoConfigurationTests.LoudSpeaker;
import dev.unifiedplugins.autoconfigure.PluginsObservationAutoConfigurationTests.Manager;
import dev.unifiedplugins.autoconfigure.PluginsObservationAutoConfigurationTests.Speaker;
import dev.unifiedplugins.core.PluginManager;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.systems.PluginLifecycle;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTracer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With Micrometer Tracing's observation handler on the application's
 * {@code ObservationRegistry}, a plugin load, a failing reload and a cloud termination are
 * spans with the observation's keys as tags, and the plugin's own code runs inside its
 * span, so that spans it starts are children of it.
 */
class PluginsTracingTests {

	private static final String ID = "speakers_loudSpeaker";

	@TempDir
	Path dir;

	private final SimpleTracer tracer = new SimpleTracer();

	private ObservationRegistry tracing() {
		ObservationRegistry registry = ObservationRegistry.create();
		registry.observationConfig().observationHandler(new DefaultTracingObservationHandler(this.tracer));
		return registry;
	}

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(PluginsAutoConfiguration.class,
					PluginsObservationAutoConfiguration.class))
			.withBean(ObservationRegistry.class, this::tracing)
			.withBean(SimpleTracer.class, () -> this.tracer)
			.withPropertyValues("plugins.config-dir=" + this.dir.resolve("configs"));
	}

	private ApplicationContextRunner speakersLoadedOnStart() {
		return runner().withUserConfiguration(TracedSpeakerBeans.class)
			.withPropertyValues("plugins.systems.speakers.type=" + Speaker.class.getName(),
					"plugins.systems.speakers.load-on-start=true");
	}

	@Test
	void aLoadIsASpanAndThePluginsConfigureRunsInsideIt() {
		speakersLoadedOnStart().run((context) -> {
				SimpleSpan load = span("plugin load speakers");
				assertThat(load.getTags()).containsEntry("plugin.category", "speakers")
					.containsEntry("plugin.id", ID)
					.containsEntry("outcome", "success");
				assertThat(load.getError()).isNull();
				TracedSpeaker speaker = context.getBean(TracedSpeaker.class);
				assertThat(speaker.spansInConfigure).hasSize(1);
				assertThat(speaker.spansInConfigure.get(0).context().spanId()).isEqualTo(load.getSpanId());
			});
	}

	@Test
	void aFailingReloadIsASpanWithTheError() {
		speakersLoadedOnStart().run((context) -> {
				context.getBean(UnifiedPluginRegistry.class).savePluginConfig(ID, Map.of("greeting", "fail"));
				PluginLifecycle lifecycle = context.getBean(PluginLifecycle.class);
				await().until(() -> lifecycle.getLoadError(ID).isPresent());
				await().until(() -> spans("plugin reload speakers").stream().anyMatch((span) -> span.getEndTimestamp() != null));
				SimpleSpan reload = span("plugin reload speakers");
				assertThat(reload.getTags()).containsEntry("outcome", "failure").containsEntry("plugin.id", ID);
				assertThat(reload.getError()).hasMessageContaining("refuses");
			});
	}

	@Test
	void aCloudTerminationIsASpan() {
		Gpu gpu = new Gpu();
		runner().withBean("workers", PluginManager.class, () -> new Manager(Map.of("gpu", gpu)))
			.withPropertyValues("plugins.shutdown.terminate-cloud-resources=true")
			.run((context) -> assertThat(spans("plugin cloud terminate workers")).isEmpty());
		SimpleSpan termination = span("plugin cloud terminate workers");
		assertThat(termination.getTags()).containsEntry("plugin.id", "workers_gpu")
			.containsEntry("reason", "shutdown")
			.containsEntry("outcome", "success");
		assertThat(termination.getEndTimestamp()).isNotNull();
	}

	private List<SimpleSpan> spans(String name) {
		return this.tracer.getSpans().stream().filter((span) -> name.equals(span.getName())).toList();
	}

	private SimpleSpan span(String name) {
		List<SimpleSpan> spans = spans(name);
		assertThat(spans).as("spans named '%s' among %s", name, this.tracer.getSpans().stream().map(SimpleSpan::getName).toList())
			.hasSize(1);
		return spans.get(0);
	}

	/** Records the span current while its {@code configure} runs. */
	public static class TracedSpeaker extends LoudSpeaker {

		final List<Span> spansInConfigure = new CopyOnWriteArrayList<>();

		private final SimpleTracer tracer;

		TracedSpeaker(SimpleTracer tracer) {
			this.tracer = tracer;
		}

		@Override
		public void configure(Loudness config) {
			Span current = this.tracer.currentSpan();
			if (current != null) {
				this.spansInConfigure.add(current);
			}
			super.configure(config);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TracedSpeakerBeans {

		@Bean
		@Lazy
		TracedSpeaker loudSpeaker(SimpleTracer tracer) {
			return new TracedSpeaker(tracer);
		}

	}

}
