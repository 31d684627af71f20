package dev.unifiedplugins.cost;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.unifiedplugins.cost.CloudResourceSurvey.Answers;
import dev.unifiedplugins.cost.CloudResourceSurvey.Observation;
import dev.unifiedplugins.protocols.PluginCloudResourceTerminated.Reason;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link CloudCostGuard} remembers of each resource it saw running: when it first
 * and last saw it, and the cost accrued since. It decides the idle and lifetime limits,
 * which count from those times. Not thread-safe: the guard calls it under its lock.
 */
final class CloudCostAccrual {

	private static final double NANOS_PER_HOUR = Duration.ofHours(1).toNanos();

	/** The resources seen running, by unique id. */
	private final Map<String, Tracked> tracked = new HashMap<>();

	/** Accrued USD by unique id, since start, of the plugins registered at the last check. */
	private final Map<String, Double> accrued = new LinkedHashMap<>();

	/**
	 * Accrued USD since start of the plugins no longer registered: their share of the total,
	 * without an entry each, so that plugins that come and go leave nothing behind.
	 */
	private double accruedByGone;

	/**
	 * Accrues the cost of the running resources since the previous check that saw them, and
	 * forgets the ones known stopped. One whose plugin did not answer is kept as it was, so
	 * that its next answer accrues the whole gap. A plugin no longer registered keeps only
	 * its share of the total.
	 */
	void accrue(Answers answers, Instant now) {
		this.tracked.keySet().retainAll(answers.asked());
		this.tracked.keySet().removeAll(answers.stopped());
		this.accrued.entrySet().removeIf((entry) -> {
			boolean gone = !answers.asked().contains(entry.getKey());
			if (gone) {
				this.accruedByGone += entry.getValue();
			}
			return gone;
		});
		answers.running().forEach((id, observation) -> {
			Tracked seen = this.tracked.get(id);
			if (seen == null || !seen.identity().equals(observation.identity())) {
				this.tracked.put(id, new Tracked(observation.identity(), now, now, observation.hourlyUsd()));
				this.accrued.putIfAbsent(id, 0.0);
				return;
			}
			long nanos = Math.max(0, Duration.between(seen.lastSeen(), now).toNanos());
			this.accrued.merge(id, seen.hourlyUsd() * (nanos / NANOS_PER_HOUR), Double::sum);
			this.tracked.put(id, new Tracked(seen.identity(), seen.firstSeen(), now, observation.hourlyUsd()));
		});
	}

	/** The limit a running resource reached, or null. */
	@Nullable Reason limitReached(String id, Observation observation, Instant now, CloudCostGuard.Settings settings) {
		Tracked seen = this.tracked.get(id);
		if (seen == null) {
			return null;
		}
		Duration idleTimeout = settings.idleTimeout();
		if (idleTimeout != null && observation.lastActivity() != null) {
			// A resource this guard has just seen start is given the whole timeout, whatever
			// the plugin did before.
			Instant since = observation.lastActivity().isAfter(seen.firstSeen()) ? observation.lastActivity()
					: seen.firstSeen();
			if (Duration.between(since, now).compareTo(idleTimeout) >= 0) {
				return Reason.IDLE;
			}
		}
		Duration maxLifetime = settings.maxLifetime();
		if (maxLifetime != null && Duration.between(seen.firstSeen(), now).compareTo(maxLifetime) >= 0) {
			return Reason.LIFETIME;
		}
		return null;
	}

	/** Forgets a terminated resource: it accrues no more, and its plugin's next one starts afresh. */
	void forget(String id) {
		this.tracked.remove(id);
	}

	Map<String, Double> accruedByPlugin() {
		return Map.copyOf(this.accrued);
	}

	double accruedUsd() {
		double total = this.accruedByGone;
		for (double usd : this.accrued.values()) {
			total += usd;
		}
		return total;
	}

	private record Tracked(String identity, Instant firstSeen, Instant lastSeen, double hourlyUsd) {
	}

}
