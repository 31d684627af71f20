package dev.unifiedplugins.actuate;

import java.util.function.Consumer;
import java.util.function.Function;

import dev.unifiedplugins.cost.CloudCostGuard;
import dev.unifiedplugins.protocols.PluginCloudResourceTerminated;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;

/**
 * Micrometer meters of the {@link CloudCostGuard}:
 * <ul>
 * <li>{@code plugins.cloud.cost.accrued}: a counter of the estimated USD accrued since
 * start by the cloud resources seen running;</li>
 * <li>{@code plugins.cloud.terminations}: a counter of automatic terminations, tagged by
 * {@code reason} ({@code idle}, {@code lifetime}, {@code budget}) and {@code outcome}
 * ({@code success}, {@code failure});</li>
 * <li>{@code plugins.cloud.budget.exceeded}: a gauge per budget, tagged by
 * {@code category}: {@code *} for the global budget, 1 while the running resources cost
 * more than {@code plugins.cost.budget.hourly-usd}, 0 otherwise or without a budget; the
 * category's name for each {@code plugins.cost.budget.categories.<category>.hourly-usd}, 1
 * while the category's running resources cost more. Every gauge of the name has the same
 * tag keys, as Prometheus requires.</li>
 * </ul>
 * They read the guard's last check and call no plugin.
 */
public class CloudCostMetrics implements MeterBinder, DisposableBean {

	/** The {@code category} tag of the global budget's gauge: no category's name. */
	public static final String GLOBAL = "*";

	private final CloudCostGuard guard;

	private final Consumer<PluginCloudResourceTerminated> counter = this::count;

	private volatile @Nullable MeterRegistry meterRegistry;

	/**
	 * Creates the meters' source and listens to the guard's terminations.
	 * @param guard the guard to measure
	 */
	public CloudCostMetrics(CloudCostGuard guard) {
		this.guard = guard;
		guard.addListener(this.counter);
	}

	@Override
	public void bindTo(MeterRegistry meterRegistry) {
		this.meterRegistry = meterRegistry;
		FunctionCounter.builder("plugins.cloud.cost.accrued", this.guard, (guard) -> guard.status().accruedUsd())
			.description("Estimated cloud cost accrued since start by the running plugin resources")
			.baseUnit("usd")
			.register(meterRegistry);
		budgetGauge(GLOBAL, (status) -> status.budget()).register(meterRegistry);
		for (String category : this.guard.getSettings().categoryBudgets().keySet()) {
			budgetGauge(category, (status) -> status.categoryBudgets().get(category)).register(meterRegistry);
		}
	}

	private Gauge.Builder<CloudCostGuard> budgetGauge(String category,
			Function<CloudCostGuard.Status, CloudCostGuard.@Nullable Budget> budget) {
		return Gauge.builder("plugins.cloud.budget.exceeded", this.guard, (guard) -> {
			CloudCostGuard.Budget now = budget.apply(guard.status());
			return (now != null && now.exceeded()) ? 1 : 0;
		})
			.description("Whether the running cloud resources cost more than the budget (1) or not (0)")
			.tag("category", category)
			.strongReference(true);
	}

	private void count(PluginCloudResourceTerminated terminated) {
		MeterRegistry registry = this.meterRegistry;
		if (registry != null) {
			Counter.builder("plugins.cloud.terminations")
				.description("Terminations of plugin cloud resources, automatic, at shutdown or by an operator")
				.tag("reason", terminated.reason().name().toLowerCase(java.util.Locale.ROOT))
				.tag("outcome", terminated.succeeded() ? "success" : "failure")
				.register(registry)
				.increment();
		}
	}

	@Override
	public void destroy() {
		this.guard.removeListener(this.counter);
	}

}
