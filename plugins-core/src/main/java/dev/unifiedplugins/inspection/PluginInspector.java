package dev.unifiedplugins.inspection;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.function.Supplier;

import dev.unifiedplugins.concurrent.BoundedCalls;
import dev.unifiedplugins.concurrent.PeriodicTasks;
import dev.unifiedplugins.core.PluginMetadata;
import dev.unifiedplugins.core.PluginResources;
import dev.unifiedplugins.core.RegisteredPlugin;
import dev.unifiedplugins.core.RemoteResourceInfo;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.observation.PluginCallObserver;
import dev.unifiedplugins.processes.ProcessTable;
import dev.unifiedplugins.protocols.CloudAwarePlugin;
import dev.unifiedplugins.protocols.LifecycleAwarePlugin;
import dev.unifiedplugins.systems.PluginSystemManager;
import org.jspecify.annotations.Nullable;

/**
 * Asks every registered plugin's live instance for its processes, resources and costs,
 * each call bounded by a timeout. The whole inspection returns within about one timeout:
 * a plugin that throws or hangs gets an error in its own report and the registered
 * metadata, and the others are unaffected.
 * <p>
 * One inspection takes at most one snapshot of the process table, shared by all plugins.
 */
public final class PluginInspector {

	/**
	 * The longest duration costs are estimated for: 100 years. Beyond some bound a plugin's
	 * honest price times the duration stops being a finite number, and that is the
	 * request's fault, not the plugin's.
	 */
	public static final double MAX_HOURS = 876_000;

	/** What {@link #requireValidHours(double)} asks for, in words. */
	public static final String HOURS_RULE = "hours must be a finite number above 0 and at most " + (long) MAX_HOURS
			+ " (100 years)";

	private final UnifiedPluginRegistry registry;

	private final BoundedCalls calls;

	private final Duration timeout;

	private volatile PluginCallObserver observer = PluginCallObserver.NONE;

	/**
	 * The batchers of the durations being inspected right now; one leaves when its last
	 * inspection ends, so a client cycling through durations leaves nothing behind.
	 */
	private final Map<Double, Batcher> batches = new ConcurrentHashMap<>();

	/**
	 * Creates an inspector.
	 * @param registry the registry to inspect
	 * @param calls where calls into plugin code run
	 * @param timeout the bound on the calls of one inspection
	 */
	public PluginInspector(UnifiedPluginRegistry registry, BoundedCalls calls, Duration timeout) {
		this.registry = Objects.requireNonNull(registry, "registry must not be null");
		this.calls = Objects.requireNonNull(calls, "calls must not be null");
		this.timeout = PeriodicTasks.requirePositive(timeout, "timeout");
	}

	/**
	 * Inspects every plugin. Callers that arrive while an inspection is under way wait for
	 * it to end and then share the next one, which starts after they all arrived: each sees
	 * every change made before its call (a client reads its own writes), and under many
	 * concurrent requests the plugins are asked about twice per inspection time, not once
	 * per request.
	 * @param hours the duration to estimate costs for, finite and above 0
	 * @return the reports, in registration order
	 */
	public PluginInspection inspectAll(double hours) {
		requireValidHours(hours);
		Batcher batcher = this.batches.computeIfAbsent(hours, (key) -> new Batcher());
		try {
			return batcher
				.get(() -> new PluginInspection(hours, inspect(this.registry.getRegistrations(), hours, false)));
		}
		finally {
			if (batcher.isIdle()) {
				// A caller that still holds it only loses sharing; its answer stays fresh.
				this.batches.remove(hours, batcher);
			}
		}
	}

	/** How many durations have a batcher; for tests of the bound. */
	int batchCount() {
		return this.batches.size();
	}

	/**
	 * Inspects one plugin, including what its instance reports it manages.
	 * @param uniqueId the plugin's unique id
	 * @param hours the duration to estimate costs for, finite and above 0
	 * @return the report, or empty when no such plugin is registered
	 */
	public Optional<PluginReport> inspect(String uniqueId, double hours) {
		requireValidHours(hours);
		return this.registry.getRegisteredPlugin(uniqueId)
			.map((registered) -> inspect(List.of(new RegisteredPlugin(uniqueId, registered)), hours, true).get(0));
	}

	/**
	 * Checks a duration to estimate costs for.
	 * @param hours the duration
	 * @throws IllegalArgumentException naming the limits when it is not finite, not above 0
	 * or above {@link #MAX_HOURS}
	 */
	public static void requireValidHours(double hours) {
		if (!Double.isFinite(hours) || hours <= 0 || hours > MAX_HOURS) {
			throw new IllegalArgumentException(HOURS_RULE + ", not " + hours);
		}
	}

	private List<PluginReport> inspect(List<RegisteredPlugin> registered, double hours, boolean details) {
		long deadline = System.nanoTime() + this.timeout.toNanos();
		int size = registered.size();
		// Managers are asked for their instances one task per run of a category (registration
		// order keeps a category's plugins together): the lookup is meant to be trivial, and
		// this keeps a request over many plugins to a few tasks. Each lookup starts its
		// plugins' calls as soon as it has the instances, so a manager that hangs delays no
		// other category's plugins.
		Supplier<ProcessTable> table = PluginResources.lazyProcessTable();
		List<Run> runs = new ArrayList<>();
		for (int from = 0; from < size;) {
			String category = registered.get(from).metadata().category();
			int to = from + 1;
			while (to < size && category.equals(registered.get(to).metadata().category())) {
				to++;
			}
			int start = from;
			int end = to;
			runs.add(new Run(category, start, end, this.calls.submit("manager:" + category,
					() -> startReports(registered, start, end, hours, details, table))));
			from = to;
		}
		@SuppressWarnings("unchecked")
		Future<PluginReport>[] live = new Future[size];
		String[] errors = new String[size];
		for (Run run : runs) {
			try {
				Future<PluginReport>[] started = BoundedCalls.await(run.lookup(), deadline, this.timeout);
				System.arraycopy(started, 0, live, run.from(), started.length);
			}
			catch (BoundedCalls.PluginCallException ex) {
				Arrays.fill(errors, run.from(), run.to(),
						"plugin manager of category '" + run.category() + "' " + ex.getMessage());
			}
		}
		String systemCategory = null;
		PluginSystemManager<?> systemManager = null;
		PluginReport[] reports = new PluginReport[size];
		for (int i = 0; i < size; i++) {
			String id = registered.get(i).uniqueId();
			PluginMetadata plugin = registered.get(i).metadata();
			if (errors[i] != null) {
				reports[i] = PluginReport.failed(id, plugin, errors[i]);
			}
			else if (live[i] == null) {
				reports[i] = new PluginReport(id, plugin, null, null, Map.of(), null);
			}
			else {
				try {
					reports[i] = BoundedCalls.await(live[i], deadline, this.timeout);
				}
				catch (BoundedCalls.PluginCallException ex) {
					reports[i] = PluginReport.failed(id, plugin, "plugin " + ex.getMessage());
				}
			}
			if (!plugin.category().equals(systemCategory)) {
				// Plugins come in runs of a category: one manager lookup per run.
				systemCategory = plugin.category();
				systemManager = (this.registry.getManager(systemCategory)
					.orElse(null) instanceof PluginSystemManager<?> manager) ? manager : null;
			}
			String loadError = (systemManager != null) ? loadError(systemManager, plugin) : null;
			if (loadError != null) {
				// The previous instance still runs: its live figures stay, the error is added.
				PluginReport report = reports[i];
				reports[i] = new PluginReport(report.uniqueId(), report.metadata(), report.cost(), report.hourlyCost(),
						report.managedResources(),
						(report.error() != null) ? report.error() + "; " + loadError : loadError);
			}
		}
		return Arrays.asList(reports);
	}

	/**
	 * The last failed load of a ready-made manager's plugin, whose previous instance (if
	 * any) still runs. Read from our own manager, never from plugin code: no bound needed.
	 */
	private static @Nullable String loadError(PluginSystemManager<?> manager, PluginMetadata plugin) {
		return manager.getLoadError(plugin.name()).map((error) -> "last load failed: " + error).orElse(null);
	}

	/**
	 * Sets what puts each call into plugin code (resources, PIDs, costs) in the plugin's
	 * log context.
	 * @param observer the observer, {@link PluginCallObserver#NONE} by default
	 */
	public void setObserver(PluginCallObserver observer) {
		this.observer = Objects.requireNonNull(observer, "observer must not be null");
	}

	/** The calls started for plugins {@code from} (inclusive) to {@code to}; null where none. */
	private Future<PluginReport>[] startReports(List<RegisteredPlugin> plugins, int from, int to, double hours,
			boolean details, Supplier<ProcessTable> table) {
		@SuppressWarnings("unchecked")
		Future<PluginReport>[] started = new Future[to - from];
		for (int i = from; i < to; i++) {
			String id = plugins.get(i).uniqueId();
			PluginMetadata plugin = plugins.get(i).metadata();
			Object instance = this.registry.getPluginInstance(id).orElse(null);
			if (instance instanceof LifecycleAwarePlugin || instance instanceof CloudAwarePlugin) {
				started[i - from] = this.calls.submit(id, this.observer.inContext(id, plugin.category(),
						() -> report(id, plugin, instance, hours, details, table)));
			}
		}
		return started;
	}

	private static PluginReport report(String uniqueId, PluginMetadata registered, Object instance, double hours,
			boolean details, Supplier<ProcessTable> table) {
		PluginMetadata metadata = PluginResources.resolve(registered, instance, table);
		Double cost = null;
		Double hourly = null;
		RemoteResourceInfo remote = metadata.remoteResource();
		if (instance instanceof CloudAwarePlugin cloud && remote != null && remote.isRunning()) {
			cost = requireFinite(cloud.estimateCost(hours), "estimateCost(" + hours + ")");
			hourly = (hours == 1.0) ? cost : requireFinite(cloud.estimateCost(1.0), "estimateCost(1.0)");
		}
		Map<String, Object> managed = Map.of();
		if (details && instance instanceof LifecycleAwarePlugin lifecycle) {
			Map<String, Object> reported = lifecycle.getManagedResources();
			managed = (reported != null) ? new LinkedHashMap<>(reported) : Map.of();
		}
		return new PluginReport(uniqueId, metadata, cost, hourly, managed, null);
	}

	/**
	 * A price a plugin gave: a finite amount of USD, at least 0, or the call's failure.
	 * @param value the price
	 * @param call the call that gave it, for the message
	 * @return the price
	 * @throws IllegalStateException naming the call when the price is not finite or negative
	 */
	public static double requireFinite(double value, String call) {
		Objects.requireNonNull(call, "call must not be null");
		if (!Double.isFinite(value) || value < 0) {
			throw new IllegalStateException(call + " returned " + value + "; expected a finite amount of USD >= 0");
		}
		return value;
	}

	/** The lookup of one category's consecutive plugins. */
	private record Run(String category, int from, int to, Future<Future<PluginReport>[]> lookup) {
	}

	/**
	 * Lets concurrent callers share one computation that started after all of them
	 * arrived.
	 */
	static final class Batcher {

		/** The computation under way, if any. */
		private @Nullable CompletableFuture<PluginInspection> current;

		/** The computation started last, under way or done. */
		private @Nullable CompletableFuture<PluginInspection> latest;

		/** How many computations have started. */
		private long started;

		PluginInspection get(Supplier<PluginInspection> compute) {
			CompletableFuture<PluginInspection> previous;
			CompletableFuture<PluginInspection> mine = null;
			long seen;
			synchronized (this) {
				previous = this.current;
				seen = this.started;
				if (previous == null) {
					mine = startLocked();
				}
			}
			if (mine != null) {
				return lead(mine, compute);
			}
			// That one started before this call, so its answer may miss this caller's writes.
			previous.handle((result, failure) -> null).join();
			CompletableFuture<PluginInspection> next;
			synchronized (this) {
				// Any computation started since this call arrived will do, even one already done.
				if (this.started == seen) {
					mine = startLocked();
				}
				next = this.latest;
			}
			if (mine != null) {
				return lead(mine, compute);
			}
			try {
				return next.join();
			}
			catch (CompletionException ex) {
				return compute.get();
			}
		}

		private CompletableFuture<PluginInspection> startLocked() {
			CompletableFuture<PluginInspection> mine = new CompletableFuture<>();
			this.current = mine;
			this.latest = mine;
			this.started++;
			return mine;
		}

		private PluginInspection lead(CompletableFuture<PluginInspection> mine, Supplier<PluginInspection> compute) {
			try {
				PluginInspection result = compute.get();
				finish(mine);
				mine.complete(result);
				return result;
			}
			catch (RuntimeException | Error ex) {
				finish(mine);
				mine.completeExceptionally(ex);
				throw ex;
			}
		}

		/** Whether no computation is under way or awaited. */
		synchronized boolean isIdle() {
			return this.current == null;
		}

		/** Clears the slot before waiters wake, so that they start or join a newer one. */
		private synchronized void finish(CompletableFuture<PluginInspection> mine) {
			if (this.current == mine) {
				this.current = null;
			}
		}

	}

}
