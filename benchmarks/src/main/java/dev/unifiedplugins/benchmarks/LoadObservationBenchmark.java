package dev.unifiedplugins.benchmarks;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.observability.ObservationPluginCallObserver;
import dev.unifiedplugins.observation.PluginCallObserver;
import dev.unifiedplugins.observation.PluginOperation;
import dev.unifiedplugins.systems.ConfigurablePlugin;
import dev.unifiedplugins.systems.PluginLifecycle;
import dev.unifiedplugins.systems.ServiceLoaderPluginManager;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A load (reload of a loaded plugin: bind its saved configuration, create, configure,
 * clean up the previous instance) without observations ({@code none}: no observer;
 * {@code noop}: the starter's observer over {@link ObservationRegistry#NOOP}, which only
 * sets the MDC) and with them ({@code handled}: a registry with a handler that does nothing,
 * which leaves the starter's own part of an observation; {@code timed}: a registry whose
 * observations are timed by a {@link SimpleMeterRegistry}, as Boot's default handler does;
 * {@code timerOnly}: the same without its long task timer, as with
 * {@code management.metrics.observations.ignored-meters=long-task-timer}). Target: {@code timed}
 * costs at most 5% more than {@code none}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class LoadObservationBenchmark {

	private static final String ID = "timed_timed_plugin";

	@Param({ "none", "noop", "handled", "timed", "timerOnly" })
	String observer;

	private Path dir;

	private UnifiedPluginRegistry registry;

	private PluginLifecycle lifecycle;

	private PluginCallObserver calls;

	@Setup(Level.Trial)
	public void setUp() {
		this.dir = Fixtures.tempDir("bench-load-observation");
		this.registry = new UnifiedPluginRegistry(this.dir);
		this.registry.registerPluginManager("timed",
				new ServiceLoaderPluginManager<>(Timed.class, LoadObservationBenchmark.class.getClassLoader()));
		this.registry.savePluginConfig(ID, Map.of("greeting", "Hello"));
		this.lifecycle = new PluginLifecycle(this.registry);
		this.calls = switch (this.observer) {
			case "none" -> PluginCallObserver.NONE;
			case "noop" -> new ObservationPluginCallObserver(ObservationRegistry.NOOP, null);
			case "handled" -> {
				ObservationRegistry observations = ObservationRegistry.create();
				observations.observationConfig().observationHandler((context) -> true);
				yield new ObservationPluginCallObserver(observations, null);
			}
			case "timed" -> {
				ObservationRegistry observations = ObservationRegistry.create();
				observations.observationConfig()
					.observationHandler(new DefaultMeterObservationHandler(new SimpleMeterRegistry()));
				yield new ObservationPluginCallObserver(observations, null);
			}
			case "timerOnly" -> {
				ObservationRegistry observations = ObservationRegistry.create();
				observations.observationConfig()
					.observationHandler(new DefaultMeterObservationHandler(new SimpleMeterRegistry(),
							DefaultMeterObservationHandler.IgnoredMeters.LONG_TASK_TIMER));
				yield new ObservationPluginCallObserver(observations, null);
			}
			default -> throw new IllegalArgumentException(this.observer);
		};
		this.lifecycle.setObserver(this.calls);
		this.lifecycle.load(ID);
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.lifecycle.close();
		Fixtures.deleteRecursively(this.dir);
	}

	@Benchmark
	public Object load() {
		return this.lifecycle.load(ID);
	}

	/** The observation alone, around a call that does nothing: what it adds to any load. */
	@Benchmark
	public Object observationOnly() {
		return this.calls.observe(PluginOperation.LOAD, ID, "timed", Map.of(), () -> ID);
	}

	/**
	 * All that observations add to a load, on one thread: the observation around it and
	 * the carrying of it, with the log context, to the call into the plugin. A load's own
	 * time varies from run to run by more than 5% on two cores (its call into the plugin
	 * is a thread hop), which this leaves out.
	 */
	@Benchmark
	public Object observationAndCarry() {
		return this.calls.observe(PluginOperation.LOAD, ID, "timed", Map.of(), () -> {
			try {
				return this.calls.inContext(ID, "timed", () -> ID).call();
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
	}

	/** The plugin interface. */
	public interface Timed {

		String greet();

	}

	/** A configuration. */
	public record Greeting(String greeting) {
	}

	/** A configurable plugin, found through {@code META-INF/services}. */
	public static class TimedPlugin implements Timed, ConfigurablePlugin<Greeting> {

		private volatile Greeting config = new Greeting("");

		@Override
		public void configure(Greeting config) {
			this.config = config;
		}

		@Override
		public String greet() {
			return this.config.greeting();
		}

	}

}
