package dev.unifiedplugins.applied;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * The applied revisions of this instance alone, in memory: what the file store has, whose
 * instances do not see each other. {@link #get} answers this instance's entry, if any.
 */
public final class LocalAppliedRevisions implements AppliedRevisions {

	private static final Duration POLL_INTERVAL = Duration.ofMillis(5);

	private final String instanceName;

	private final Clock clock;

	private final Map<String, AppliedRevision> entries = new ConcurrentHashMap<>();

	/**
	 * Creates an empty record.
	 * @param instanceName the name this instance's entries go by
	 */
	public LocalAppliedRevisions(String instanceName) {
		this(instanceName, Clock.systemUTC());
	}

	/**
	 * Creates an empty record with a clock of its own.
	 * @param instanceName the name this instance's entries go by
	 * @param clock what stamps each entry's time
	 */
	public LocalAppliedRevisions(String instanceName, Clock clock) {
		Objects.requireNonNull(instanceName, "instanceName must not be null");
		if (instanceName.isBlank()) {
			throw new IllegalArgumentException("instanceName must not be blank");
		}
		this.instanceName = instanceName;
		this.clock = Objects.requireNonNull(clock, "clock must not be null");
	}

	@Override
	public String instanceName() {
		return this.instanceName;
	}

	@Override
	public void record(String uniqueId, @Nullable String revision, @Nullable String error) {
		Objects.requireNonNull(uniqueId, "uniqueId must not be null");
		this.entries.put(uniqueId, new AppliedRevision(revision, this.clock.instant(), error));
	}

	@Override
	public void forget(String uniqueId) {
		this.entries.remove(Objects.requireNonNull(uniqueId, "uniqueId must not be null"));
	}

	@Override
	public boolean hasOwnEntry(String uniqueId) {
		return this.entries.containsKey(Objects.requireNonNull(uniqueId, "uniqueId must not be null"));
	}

	@Override
	public Map<String, AppliedRevision> get(String uniqueId) {
		AppliedRevision entry = this.entries.get(Objects.requireNonNull(uniqueId, "uniqueId must not be null"));
		return (entry != null) ? Map.of(this.instanceName, entry) : Map.of();
	}

	/** {@inheritDoc} Memory only: 5 ms. */
	@Override
	public Duration pollInterval() {
		return POLL_INTERVAL;
	}

	@Override
	public String toString() {
		return "LocalAppliedRevisions[" + this.instanceName + "]";
	}

}
