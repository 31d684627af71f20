package dev.unifiedplugins.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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

import dev.unifiedplugins.core.PluginMetadata;
import dev.unifiedplugins.core.RemoteResourceInfo;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.protocols.CloudAwarePlugin;
import dev.unifiedplugins.protocols.LifecycleAwarePlugin;
import dev.unifiedplugins.protocols.PluginResources;
import dev.unifiedplugins.protocols.ProcessTable;
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

	private final UnifiedPluginRegistry registry;

	private final BoundedCalls calls;

	private final Duration timeout;

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
		this.timeout = Objects.requireNonNull(timeout, "timeout must not be null");
		if (timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("timeout must be positive, not " + timeout);
		}
	}

	/**
	 * The bound on each inspection's calls.
	 * @return the timeout
	 */
	public Duration getTimeout() {
		return this.timeout;
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
		return this.batches.computeIfAbsent(hours, (key) -> new Batcher())
			.get(() -> new PluginInspection(hours, inspect(this.registry.getRegisteredPlugins(), hours, false)));
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
			.map((registered) -> inspect(List.of(registered), hours, true).get(0));
	}

	private static void requireValidHours(double hours) {
		if (!Double.isFinite(hours) || hours <= 0) {
			throw new IllegalArgumentException("hours must be a finite number above 0, not " + hours);
		}
	}

	private List<PluginReport> inspect(List<PluginMetadata> registered, double hours, boolean details) {
		long deadline = System.nanoTime() + this.timeout.toNanos();
		// Managers are asked for their instances one task per category: the lookup is meant to
		// be trivial, and this keeps a request over many plugins to a few tasks.
		Map<String, List<PluginMetadata>> byCategory = new LinkedHashMap<>();
		for (PluginMetadata plugin : registered) {
			byCategory.computeIfAbsent(plugin.category(), (key) -> new ArrayList<>()).add(plugin);
		}
		// Each lookup starts its plugins' calls as soon as it has the instances, so a manager
		// that hangs delays no other category's plugins.
		Supplier<ProcessTable> table = PluginResources.lazyProcessTable();
		Map<String, Future<Map<String, Future<PluginReport>>>> lookups = new LinkedHashMap<>();
		byCategory.forEach((category, plugins) -> lookups.put(category, this.calls.submit("manager:" + category,
				() -> startReports(plugins, hours, details, table))));
		Map<String, Future<PluginReport>> live = new HashMap<>();
		Map<String, String> errors = new HashMap<>();
		lookups.forEach((category, lookup) -> {
			try {
				live.putAll(BoundedCalls.await(lookup, deadline, this.timeout));
			}
			catch (BoundedCalls.PluginCallException ex) {
				String error = "plugin manager of category '" + category + "' " + ex.getMessage();
				byCategory.get(category).forEach((plugin) -> errors.put(plugin.uniqueId(), error));
			}
		});
		List<PluginReport> reports = new ArrayList<>(registered.size());
		for (PluginMetadata plugin : registered) {
			String error = errors.get(plugin.uniqueId());
			Future<PluginReport> call = live.get(plugin.uniqueId());
			if (error != null) {
				reports.add(PluginReport.failed(plugin, error));
			}
			else if (call == null) {
				reports.add(new PluginReport(plugin, null, null, Map.of(), null));
			}
			else {
				try {
					reports.add(BoundedCalls.await(call, deadline, this.timeout));
				}
				catch (BoundedCalls.PluginCallException ex) {
					reports.add(PluginReport.failed(plugin, "plugin " + ex.getMessage()));
				}
			}
		}
		return reports;
	}

	private Map<String, Future<PluginReport>> startReports(List<PluginMetadata> plugins, double hours,
			boolean details, Supplier<ProcessTable> table) {
		Map<String, Future<PluginReport>> started = new HashMap<>();
		for (PluginMetadata plugin : plugins) {
			Object instance = this.registry.getPluginInstance(plugin.uniqueId()).orElse(null);
			if (instance instanceof LifecycleAwarePlugin || instance instanceof CloudAwarePlugin) {
				started.put(plugin.uniqueId(),
						this.calls.submit(plugin.uniqueId(), () -> report(plugin, instance, hours, details, table)));
			}
		}
		return started;
	}

	private static PluginReport report(PluginMetadata registered, Object instance, double hours, boolean details,
			Supplier<ProcessTable> table) {
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
		return new PluginReport(metadata, cost, hourly, managed, null);
	}

	private static double requireFinite(double value, @Nullable String call) {
		if (!Double.isFinite(value) || value < 0) {
			throw new IllegalStateException(call + " returned " + value + "; expected a finite amount of USD >= 0");
		}
		return value;
	}

	/**
	 * Lets concurrent callers share one computation that started after all of them
	 * arrived.
	 */
	static final class Batcher {

		private @Nullable CompletableFuture<PluginInspection> current;

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
				next = this.current;
				if (next == null || this.started == seen) {
					mine = startLocked();
				}
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

		/** Clears the slot before waiters wake, so that they start or join a newer one. */
		private synchronized void finish(CompletableFuture<PluginInspection> mine) {
			if (this.current == mine) {
				this.current = null;
			}
		}

	}

}
