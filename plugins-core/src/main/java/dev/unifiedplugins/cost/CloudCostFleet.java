package dev.unifiedplugins.cost;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Where the instances of a service share their running cloud resources, so that each
 * {@link CloudCostGuard} sees the fleet's bill and applies the budget to it.
 * {@link dev.unifiedplugins.jdbc.JdbcCloudCostFleet} keeps it in the database of the
 * JDBC config store.
 * <p>
 * Every heartbeat runs under one lock for the whole fleet, so that the instances decide
 * about the fleet's budget one after another, each seeing what the previous one
 * terminated.
 */
public interface CloudCostFleet {

	/** {@return the name this instance publishes its resources under, unique in the fleet} */
	String instanceName();

	/**
	 * One heartbeat, in one transaction under the fleet's lock: publishes {@code running}
	 * as this instance's resources (replacing what it published before) with {@code now}
	 * as its heartbeat, forgets the instances whose last heartbeat is too old, hands the
	 * live instances' resources to {@code decision}, unpublishes the resources of this
	 * instance that it says it terminated, and returns the fleet as it is then.
	 * @param now the time of the heartbeat
	 * @param running this instance's running resources: their hourly price by unique id
	 * @param decision called once, with the lock held, with every live resource of the fleet
	 * @return the fleet after the heartbeat
	 * @throws RuntimeException when the fleet cannot be reached; nothing is published then
	 * (what {@code decision} did is not undone)
	 */
	Snapshot heartbeat(Instant now, Map<String, Double> running, Decision decision);

	/**
	 * Unpublishes this instance, as it stops. Never throws: a failure is logged, and the
	 * others forget this instance once its heartbeat is too old.
	 */
	void leave();

	/** What an instance does, under the fleet's lock, with the fleet's resources. */
	@FunctionalInterface
	interface Decision {

		/**
		 * Decides, and terminates some of this instance's own resources.
		 * @param fleet every live resource of the fleet, this instance's included
		 * @return the unique ids of this instance's resources it terminated
		 */
		Set<String> terminateOwn(List<Resource> fleet);

	}

	/**
	 * One running resource of the fleet.
	 *
	 * @param instance the name of the instance that owns it
	 * @param uniqueId the unique id of the plugin that holds it
	 * @param hourlyUsd its price per hour, in USD
	 */
	record Resource(String instance, String uniqueId, double hourlyUsd) {

		public Resource {
			Objects.requireNonNull(instance, "instance must not be null");
			Objects.requireNonNull(uniqueId, "uniqueId must not be null");
		}

	}

	/**
	 * The live instances of the fleet and what their running resources cost.
	 *
	 * @param hourlyByInstance the summed hourly price, in USD, by instance name; an instance
	 * without running resources counts with 0
	 */
	record Snapshot(Map<String, Double> hourlyByInstance) {

		public Snapshot {
			hourlyByInstance = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(hourlyByInstance));
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
