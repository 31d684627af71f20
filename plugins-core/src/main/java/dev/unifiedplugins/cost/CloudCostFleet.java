package dev.unifiedplugins.cost;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Where the instances of a service share their running cloud resources, so that each
 * {@link CloudCostGuard} sees the fleet's bill and applies the budgets (the global one and each category's) to it.
 * {@code dev.unifiedplugins.jdbc.JdbcCloudCostFleet} (plugins-jdbc) keeps it in the database of the
 * JDBC config store.
 * <p>
 * Every heartbeat decides under one lock for the whole fleet, so that the instances decide
 * about the fleet's budgets one after another, each seeing what the previous one decided.
 * The lock is held only for the fleet's own reads and writes: a heartbeat records the
 * resources this instance is about to terminate as <em>terminating</em> and releases the
 * lock; the guard then terminates them (plugin calls, listeners) and reports the outcome
 * with {@link #terminated(Set, Set)}. Until then the other instances count a terminating
 * resource in the bill and as already going, never planning it again.
 */
public interface CloudCostFleet {

	/** {@return the name this instance publishes its resources under, unique in the fleet} */
	String instanceName();

	/**
	 * One heartbeat, in one short transaction under the fleet's lock: publishes
	 * {@code running} as this instance's resources (replacing what it published before),
	 * with the fleet's own clock as its heartbeat time, forgets the instances whose last
	 * heartbeat is too old, hands the live instances' resources to {@code decision}, records
	 * the resources of this instance it plans to terminate as terminating, and returns the
	 * fleet as it is then (terminating resources included: they bill until they are gone).
	 * Nothing else runs under the lock; the planned terminations are the caller's to do
	 * once this returns.
	 * @param running this instance's running resources: their price and category by unique
	 * id
	 * @param decision called once, with the lock held, with every live resource of the
	 * fleet; it must not call plugins or listeners
	 * @return the fleet after the heartbeat
	 * @throws RuntimeException when the fleet cannot be reached or its lock not be had in
	 * time, or when another live process uses this instance's name; nothing is published
	 * then
	 */
	Snapshot heartbeat(Map<String, Running> running, Decision decision);

	/**
	 * Records how the terminations the last heartbeat planned went, in a short transaction:
	 * the resources that ended leave the fleet's bill, those that failed are running again
	 * (their owner plans them again at its next heartbeat). Never throws: a failure is
	 * logged, and the next heartbeat publishes this instance's resources afresh.
	 * @param succeeded the unique ids of the resources that ended
	 * @param failed the unique ids of those whose termination failed
	 */
	void terminated(Set<String> succeeded, Set<String> failed);

	/**
	 * Unpublishes this instance, as it stops. Never throws: a failure is logged, and the
	 * others forget this instance once its heartbeat is too old.
	 */
	void leave();

	/** What an instance plans, under the fleet's lock, for the fleet's resources. */
	@FunctionalInterface
	interface Decision {

		/**
		 * Decides which of this instance's own resources to terminate. Called with the
		 * fleet's lock held: it only computes, and calls neither plugins nor listeners.
		 * @param fleet every live resource of the fleet, this instance's included
		 * @return the unique ids of this instance's resources to terminate, in order
		 */
		List<String> toTerminate(List<Resource> fleet);

	}

	/**
	 * One of this instance's running resources, as a heartbeat publishes it.
	 *
	 * @param hourlyUsd its price per hour, in USD
	 * @param category the category of the plugin that holds it, or null when unknown
	 */
	record Running(double hourlyUsd, @Nullable String category) {
	}

	/**
	 * One resource of the fleet.
	 *
	 * @param instance the name of the instance that owns it
	 * @param uniqueId the unique id of the plugin that holds it
	 * @param hourlyUsd its price per hour, in USD
	 * @param terminating whether its owner is terminating it: it bills until it is gone, and
	 * counts as going
	 * @param category the category of the plugin that holds it, or null when its owner did
	 * not publish one (an instance of an earlier version): it then counts for the global
	 * budget only
	 */
	record Resource(String instance, String uniqueId, double hourlyUsd, boolean terminating,
			@Nullable String category) {

		public Resource {
			Objects.requireNonNull(instance, "instance must not be null");
			Objects.requireNonNull(uniqueId, "uniqueId must not be null");
		}

		/** A running resource, not being terminated, of a plugin in {@code category}. */
		public Resource(String instance, String uniqueId, double hourlyUsd, @Nullable String category) {
			this(instance, uniqueId, hourlyUsd, false, category);
		}

	}

	/**
	 * The live instances of the fleet and what their cloud resources cost.
	 *
	 * @param hourlyByInstance the summed hourly price, in USD, by instance name, terminating
	 * resources included; an instance without resources counts with 0
	 * @param error what is wrong with the fleet though the heartbeat succeeded (an instance
	 * name used by two live processes), or null
	 */
	record Snapshot(Map<String, Double> hourlyByInstance, @Nullable String error) {

		public Snapshot {
			hourlyByInstance = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(hourlyByInstance));
		}

		/** A fleet without anything wrong. */
		public Snapshot(Map<String, Double> hourlyByInstance) {
			this(hourlyByInstance, null);
		}

		/** {@return the number of live instances} */
		public int instances() {
			return this.hourlyByInstance.size();
		}

		/** {@return the fleet's summed hourly price, in USD} */
		public double hourlyUsd() {
			double total = 0;
			for (double usd : this.hourlyByInstance.values()) {
				total += usd;
			}
			return total;
		}

	}

}
