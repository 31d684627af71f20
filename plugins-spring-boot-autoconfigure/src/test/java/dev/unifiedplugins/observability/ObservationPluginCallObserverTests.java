package dev.unifiedplugins.observability;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.unifiedplugins.observation.PluginOperation;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@link ObservationPluginCallObserver} over thousands of plugins: its meters are one per
 * operation, category and outcome, never one per plugin, and neither the MDC nor an
 * observation's scope outlives a call, failed ones included, on the calling thread or on
 * a pool's.
 */
class ObservationPluginCallObserverTests {

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final ObservationRegistry observations = ObservationRegistry.create();

	private final ObservationPluginCallObserver observer = new ObservationPluginCallObserver(this.observations, null);

	private final ExecutorService pool = Executors.newSingleThreadExecutor();

	ObservationPluginCallObserverTests() {
		this.observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(this.meters));
	}

	@AfterEach
	void stopPool() throws InterruptedException {
		this.pool.shutdownNow();
		assertThat(this.pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void thousandsOfPluginsMakeNoMeterOfTheirOwnAndLeaveNoContextBehind() {
		int metersOfOnePlugin = 0;
		for (int i = 0; i < 2_000; i++) {
			String id = "llm_plugin" + i;
			this.observer.observe(PluginOperation.LOAD, id, "llm", Map.of(), () -> "loaded");
			assertThatIllegalStateException().isThrownBy(() -> this.observer.observe(PluginOperation.RELOAD, id, "llm",
					Map.of(), () -> {
						throw new IllegalStateException("configure refused");
					}));
			this.observer.observe(PluginOperation.CLOUD_TERMINATE, id, "llm", Map.of("reason", "idle"), () -> false);
			// A call handed to a pool's thread inside a load, as the lifecycle hands configure.
			String seen = this.observer.observe(PluginOperation.LOAD, id, "llm", Map.of(),
					() -> submit(this.observer.inContext(id, "llm", () -> MDC.get("plugin.id"))));
			assertThat(seen).isEqualTo(id);
			assertThatIllegalStateException().isThrownBy(() -> submit(this.observer.inContext(id, "llm", () -> {
				throw new IllegalStateException("validate refused");
			})));
			assertThat(MDC.getCopyOfContextMap()).as("MDC after %s", id).isNullOrEmpty();
			assertThat(this.observations.getCurrentObservation()).isNull();
			assertThat(submit(() -> MDC.getCopyOfContextMap())).as("pool's MDC after %s", id).isNullOrEmpty();
			assertThat(submit(this.observations::getCurrentObservation)).isNull();
			if (i == 0) {
				metersOfOnePlugin = this.meters.getMeters().size();
			}
		}
		assertThat(this.meters.getMeters()).isNotEmpty().hasSize(metersOfOnePlugin);
		assertThat(this.meters.getMeters()).flatExtracting((meter) -> meter.getId().getTags())
			.noneMatch((tag) -> tag.getValue().startsWith("llm_plugin"));
	}

	/** Runs a call on the pool's thread; what it throws, the caller does. */
	private <T> T submit(Callable<T> call) {
		try {
			return this.pool.submit(call).get(10, TimeUnit.SECONDS);
		}
		catch (ExecutionException ex) {
			throw (ex.getCause() instanceof RuntimeException cause) ? cause : new IllegalStateException(ex);
		}
		catch (InterruptedException | TimeoutException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
