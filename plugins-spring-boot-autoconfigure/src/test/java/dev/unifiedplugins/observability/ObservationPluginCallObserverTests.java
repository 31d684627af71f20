package dev.unifiedplugins.observability;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import dev.unifiedplugins.observation.PluginOperation;
import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.MDC;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@link ObservationPluginCallObserver} over thousands of plugins: its meters are one per
 * operation, category and outcome, never one per plugin, and neither the MDC nor an
 * observation's scope outlives a call, failed ones included, on the calling thread or on
 * a pool's; a convention or handler that throws fails no operation and leaves nothing
 * active.
 */
@ExtendWith(OutputCaptureExtension.class)
class ObservationPluginCallObserverTests {

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final ObservationRegistry observations = ObservationRegistry.create();

	/** The observer's clock: operations go unobserved after a handler failed until it passes the pause. */
	private final AtomicLong nanos = new AtomicLong();

	private final ObservationPluginCallObserver observer = new ObservationPluginCallObserver(this.observations, null,
			this.nanos::get);

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

	/**
	 * Micrometer asks the convention for the keys as it stops an observation, before its
	 * handlers: one that throws there must not leave the meter handler's active sample open.
	 */
	@Test
	void aConventionThatThrowsAtStopLeavesNoLoadActiveAndTheDefaultConventionAnswers(CapturedOutput output) {
		ObservationPluginCallObserver observer = new ObservationPluginCallObserver(this.observations,
				new DefaultPluginObservationConvention() {
					@Override
					public KeyValues getLowCardinalityKeyValues(PluginObservationContext context) {
						if (context.isFailure()) {
							throw new NullPointerException("no cause");
						}
						return super.getLowCardinalityKeyValues(context);
					}

					@Override
					public String getContextualName(PluginObservationContext context) {
						throw new NoSuchFieldError("contextualName");
					}
				});
		for (int i = 0; i < 5; i++) {
			assertThatIllegalStateException().isThrownBy(() -> observer.observe(PluginOperation.LOAD, "llm_gpt", "llm",
					Map.of(), () -> {
						throw new IllegalStateException("configure failed");
					}))
				.withMessage("configure failed");
		}
		LongTaskTimer active = this.meters.find("plugins.load.active").longTaskTimer();
		assertThat(active).isNotNull().extracting(LongTaskTimer::activeTasks).isEqualTo(0);
		assertThat(this.meters.get("plugins.load").tags("outcome", "failure", "plugin.category", "llm").timer().count())
			.isEqualTo(5);
		// Each failing method is named, once within the interval, not once per operation.
		assertThat(output).containsOnlyOnce("failed in getLowCardinalityKeyValues()")
			.containsOnlyOnce("failed in getContextualName()");
	}

	/**
	 * What a handler throws, an Error included, fails no operation, which may have happened
	 * already; only the JVM's own errors are thrown.
	 */
	@Test
	void whatAHandlerThrowsFailsNoOperationButAVirtualMachineError() {
		AtomicReference<Supplier<Throwable>> atStop = new AtomicReference<>(() -> new AssertionError("handler bug"));
		AtomicReference<Supplier<Throwable>> atStart = new AtomicReference<>();
		addHandlerThrowing(atStart, atStop);
		assertThat(this.observer.observe(PluginOperation.CONFIG_SAVE, "llm_gpt", "llm", Map.of(), () -> "saved"))
			.isEqualTo("saved");
		afterThePause();
		assertThatIllegalStateException().isThrownBy(() -> this.observer.observe(PluginOperation.LOAD, "llm_gpt", "llm",
				Map.of(), () -> {
					throw new IllegalStateException("configure failed");
				}))
			.withMessage("configure failed");
		afterThePause();
		atStop.set(null);
		atStart.set(() -> new NoClassDefFoundError("io/acme/Tracer"));
		assertThat(this.observer.observe(PluginOperation.CONFIG_SAVE, "llm_gpt", "llm", Map.of(), () -> "unobserved"))
			.isEqualTo("unobserved");
		afterThePause();
		atStart.set(null);
		atStop.set(StackOverflowError::new);
		assertThatExceptionOfType(StackOverflowError.class).isThrownBy(
				() -> this.observer.observe(PluginOperation.CONFIG_SAVE, "llm_gpt", "llm", Map.of(), () -> "saved"));
	}

	/**
	 * Micrometer does not isolate handlers: one that throws at start leaves those started
	 * before it open, one that throws at stop keeps those after it from stopping. An
	 * observation whose start failed is stopped; after any failure, operations go unobserved
	 * for a pause, so that at most one is left active per pause.
	 */
	@Test
	void aHandlerThatThrowsLeavesNoOperationActiveButAtMostOnePerPause() {
		AtomicReference<Supplier<Throwable>> atStop = new AtomicReference<>();
		AtomicReference<Supplier<Throwable>> atStart = new AtomicReference<>();
		addHandlerThrowing(atStart, atStop);
		atStart.set(() -> new IllegalStateException("tracer not ready"));
		for (int i = 0; i < 3; i++) {
			assertThat(this.observer.observe(PluginOperation.CONFIG_SAVE, "llm_gpt", "llm", Map.of(), () -> "saved"))
				.isEqualTo("saved");
		}
		afterThePause();
		atStart.set(null);
		atStop.set(() -> new IllegalStateException("exporter down"));
		for (int i = 0; i < 3; i++) {
			assertThat(this.observer.observe(PluginOperation.LOAD, "llm_gpt", "llm", Map.of(), () -> "loaded"))
				.isEqualTo("loaded");
		}
		LongTaskTimer saves = this.meters.find("plugins.config.save.active").longTaskTimer();
		LongTaskTimer loads = this.meters.find("plugins.load.active").longTaskTimer();
		assertThat(saves).isNotNull();
		assertThat(loads).isNotNull();
		assertThat(new long[] { saves.activeTasks(), loads.activeTasks() })
			.as("still active: saves whose handler threw at start, loads whose handler threw at stop")
			.containsExactly(0, 1);
		assertThat(this.meters.get("plugins.config.save").timer().count())
			.as("saves observed: the first, stopped after its start failed, then none during the pause")
			.isEqualTo(1);
		afterThePause();
		atStop.set(null);
		assertThat(this.observer.observe(PluginOperation.LOAD, "llm_gpt", "llm", Map.of(), () -> "loaded"))
			.isEqualTo("loaded");
		assertThat(this.meters.get("plugins.load").timer().count()).as("loads observed again after the pause")
			.isEqualTo(1);
		assertThat(loads.activeTasks()).isEqualTo(1);
	}

	/** Moves the observer's clock past the pause that follows a handler's failure. */
	private void afterThePause() {
		this.nanos.addAndGet(RateLimitedWarning.INTERVAL.toNanos());
	}

	/**
	 * Adds a handler, after the meter handler, that throws what each supplier set supplies
	 * at start and at stop.
	 */
	private void addHandlerThrowing(AtomicReference<Supplier<Throwable>> atStart,
			AtomicReference<Supplier<Throwable>> atStop) {
		this.observations.observationConfig().observationHandler(new ObservationHandler<>() {
			@Override
			public void onStart(Observation.Context context) {
				throwIfSet(atStart);
			}

			@Override
			public void onStop(Observation.Context context) {
				throwIfSet(atStop);
			}

			@Override
			public boolean supportsContext(Observation.Context context) {
				return true;
			}
		});
	}

	private static void throwIfSet(AtomicReference<Supplier<Throwable>> failure) {
		Supplier<Throwable> set = failure.get();
		if (set != null) {
			ObservationPluginCallObserverTests.<RuntimeException>sneaky(set.get());
		}
	}

	@SuppressWarnings("unchecked")
	private static <E extends Throwable> void sneaky(Throwable failure) throws E {
		throw (E) failure;
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
