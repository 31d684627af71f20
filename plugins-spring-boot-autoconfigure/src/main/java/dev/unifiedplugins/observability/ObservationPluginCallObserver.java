package dev.unifiedplugins.observability;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import dev.unifiedplugins.concurrent.BoundedCalls;
import dev.unifiedplugins.observation.PluginCallObserver;
import dev.unifiedplugins.observation.PluginOperation;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * Observes plugin operations with Micrometer observations, through the application's
 * {@link ObservationRegistry} (none at all with {@link ObservationRegistry#NOOP}), and runs
 * every call into plugin code with the SLF4J MDC keys {@code plugin.id} and
 * {@code plugin.category}, restored to what they were afterwards.
 * <p>
 * Observing never fails an operation: the operation's own outcome, its result or what it
 * threw, is what the caller gets. A convention's method that throws is answered by
 * {@link DefaultPluginObservationConvention} instead, so that every observation still
 * stops. What an {@link io.micrometer.observation.ObservationHandler} throws, an
 * {@link Error} included, is logged, and the operation goes on (unobserved when the
 * observation could not start): a handler's failure is not the plugin's, and the operation
 * may already have happened (a save written, a resource terminated). Only a
 * {@link VirtualMachineError} (out of memory, stack overflow) is thrown, as the JVM's own.
 * Each kind of failure is logged at most once a minute.
 * <p>
 * Micrometer does not isolate handlers from each other: one that throws leaves those that
 * started before it open (the meter handler's long task timer, {@code <name>.active}), or
 * keeps those after it from stopping. An observation whose start failed is stopped; and
 * after any handler failure, operations go unobserved for a minute, so that a handler
 * failing on every call leaves at most one observation open a minute.
 */
public class ObservationPluginCallObserver implements PluginCallObserver {

	private static final Log logger = LogFactory.getLog(ObservationPluginCallObserver.class);

	/** The MDC key of the plugin's unique id. */
	public static final String MDC_PLUGIN_ID = "plugin.id";

	/** The MDC key of the plugin's category. */
	public static final String MDC_PLUGIN_CATEGORY = "plugin.category";

	/**
	 * How long plugin operations go unobserved after a handler failed: as long as its warning
	 * is not repeated.
	 */
	private static final Duration PAUSE = RateLimitedWarning.INTERVAL;

	private final ObservationRegistry registry;

	private final @Nullable PluginObservationConvention convention;

	private final RateLimitedWarning handlerFailed = new RateLimitedWarning(logger, PAUSE);

	/** The time in {@link System#nanoTime()} terms; a test's own in tests. */
	private final LongSupplier clock;

	/** Until when operations go unobserved, a handler having failed, in {@link #clock} terms; 0 for none. */
	private final AtomicLong unobservedUntil = new AtomicLong();

	/**
	 * Creates the observer.
	 * @param registry where observations go; {@link ObservationRegistry#NOOP} for none
	 * @param convention the convention that replaces
	 * {@link DefaultPluginObservationConvention}, or null for the default; the default
	 * answers for each of its methods that throws
	 */
	public ObservationPluginCallObserver(ObservationRegistry registry,
			@Nullable PluginObservationConvention convention) {
		this(registry, convention, System::nanoTime);
	}

	ObservationPluginCallObserver(ObservationRegistry registry, @Nullable PluginObservationConvention convention,
			LongSupplier clock) {
		this.registry = registry;
		this.clock = clock;
		// Guarded once here, not per call: loads are observed on a hot path.
		this.convention = (convention != null) ? new GuardedPluginObservationConvention(convention) : null;
	}

	@Override
	public <T> T observe(PluginOperation operation, String uniqueId, String category,
			Map<String, String> lowCardinalityKeys, Supplier<T> call) {
		if (this.registry.isNoop() || unobserved()) {
			return withMdc(uniqueId, category, call);
		}
		PluginObservationContext context = new PluginObservationContext(operation, uniqueId, category,
				lowCardinalityKeys);
		Observation observation = Observation.createNotStarted(this.convention,
				DefaultPluginObservationConvention.INSTANCE, () -> context, this.registry);
		try {
			observation.start();
		}
		catch (RuntimeException | Error ex) {
			handlerFailed(operation, uniqueId, ex);
			// Micrometer does not isolate its handlers: those started before the one that threw
			// (the meter handler's long task timer) stay open for good unless stopped.
			stopQuietly(observation);
			return withMdc(uniqueId, category, call);
		}
		Outcome<T> outcome = new Outcome<>();
		try {
			return observeStarted(observation, context, call, outcome);
		}
		catch (RuntimeException | Error ex) {
			Throwable own = outcome.failure;
			if (own == ex) {
				throw ex;
			}
			// What a handler throws fails no save, load, cleanup or termination: it may have
			// happened already, and the failure is the observation's, not the plugin's.
			handlerFailed(operation, uniqueId, ex);
			if (!outcome.ran) {
				return withMdc(uniqueId, category, call);
			}
			if (own instanceof Error error) {
				throw error;
			}
			if (own != null) {
				throw (RuntimeException) own;
			}
			return outcome.result;
		}
	}

	/** What {@link Observation#observe(Supplier)} does once started, noting how far the call got. */
	private static <T> T observeStarted(Observation observation, PluginObservationContext context, Supplier<T> call,
			Outcome<T> outcome) {
		try (Observation.Scope scope = observation.openScope()) {
			outcome.ran = true;
			try {
				T result = withMdc(context.getUniqueId(), context.getCategory(), call);
				if (context.getOperation() == PluginOperation.CLOUD_TERMINATE && Boolean.FALSE.equals(result)) {
					context.setRefused(true);
				}
				outcome.result = result;
				return result;
			}
			catch (RuntimeException | Error ex) {
				outcome.failure = ex;
				throw ex;
			}
		}
		catch (RuntimeException | Error ex) {
			observation.error(ex);
			throw ex;
		}
		finally {
			observation.stop();
		}
	}

	/**
	 * Whether operations go unobserved for now, a handler having failed: a volatile read
	 * while they are observed.
	 */
	private boolean unobserved() {
		long until = this.unobservedUntil.get();
		if (until == 0) {
			return false;
		}
		if (this.clock.getAsLong() - until < 0) {
			return true;
		}
		// Compared, not set: a handler may have failed again since.
		this.unobservedUntil.compareAndSet(until, 0);
		return false;
	}

	/**
	 * Logs a handler's failure, rethrowing the JVM's own, and stops observing for
	 * {@link #PAUSE}: a handler that throws may have left other handlers' state open (a
	 * long task timer's sample), so this bounds the leak to one per pause.
	 */
	private void handlerFailed(PluginOperation operation, String uniqueId, Throwable failure) {
		if (failure instanceof VirtualMachineError error) {
			throw error;
		}
		long until = this.clock.getAsLong() + PAUSE.toNanos();
		this.unobservedUntil.set((until != 0) ? until : 1);
		this.handlerFailed.warn("Observing " + operation + " of plugin '" + uniqueId + "' failed (an observation"
				+ " handler of the application's); the plugin operation goes on, observed or not, and plugin"
				+ " operations go unobserved for " + BoundedCalls.format(PAUSE), failure);
	}

	/** Stops what started before a handler failed; when stopping fails too, nothing more can be done. */
	private static void stopQuietly(Observation observation) {
		try {
			observation.stop();
		}
		catch (RuntimeException | Error ex) {
			if (ex instanceof VirtualMachineError error) {
				throw error;
			}
		}
	}

	/**
	 * Also carries the observation current where the call is made (a load's) to the thread
	 * that runs it, so that the plugin's code runs inside its span.
	 */
	@Override
	public <T> Callable<T> inContext(String uniqueId, String category, Callable<T> call) {
		Observation parent = this.registry.getCurrentObservation();
		return () -> {
			Mdc previous = Mdc.put(uniqueId, category);
			try (Observation.Scope scope = (parent != null) ? parent.openScope() : Observation.Scope.NOOP) {
				return call.call();
			}
			finally {
				previous.restore();
			}
		};
	}

	private static <T> T withMdc(String uniqueId, String category, Supplier<T> call) {
		Mdc previous = Mdc.put(uniqueId, category);
		try {
			return call.get();
		}
		finally {
			previous.restore();
		}
	}

	/** How far an observed call got, to tell its own failure from the observation's. */
	private static final class Outcome<T> {

		boolean ran;

		@Nullable T result;

		@Nullable Throwable failure;

	}

	/** The MDC values replaced, restored afterwards (a call made inside another's context). */
	private record Mdc(@Nullable String id, @Nullable String category) {

		static Mdc put(String uniqueId, String category) {
			Mdc previous = new Mdc(MDC.get(MDC_PLUGIN_ID), MDC.get(MDC_PLUGIN_CATEGORY));
			MDC.put(MDC_PLUGIN_ID, uniqueId);
			MDC.put(MDC_PLUGIN_CATEGORY, category);
			return previous;
		}

		void restore() {
			restore(MDC_PLUGIN_ID, this.id);
			restore(MDC_PLUGIN_CATEGORY, this.category);
		}

		private static void restore(String key, @Nullable String value) {
			if (value != null) {
				MDC.put(key, value);
			}
			else {
				MDC.remove(key);
			}
		}

	}

}
