package dev.unifiedplugins.actuate;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import dev.unifiedplugins.applied.AppliedAwait;
import dev.unifiedplugins.applied.AppliedRevision;
import dev.unifiedplugins.applied.AppliedRevisions;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.convert.DurationStyle;

/**
 * The {@code plugins} endpoint's view of {@link AppliedRevisions}: the detail view's
 * {@code applied}, and the wait of a save with {@code "await"}, cut to
 * {@code plugins.await-timeout}.
 */
final class AppliedView {

	/** The longest a save waits unless told otherwise: {@code plugins.await-timeout}'s default. */
	static final Duration DEFAULT_MAX_AWAIT = Duration.ofSeconds(10);

	/** Why an {@code await} is refused: the rule, not the value, which was sent. */
	static final String AWAIT_RULE = "await must be a duration of at least 0, such as \"5s\", \"500ms\" or \"PT5S\""
			+ " (a number alone is seconds)";

	private final @Nullable AppliedRevisions applied;

	private final Duration maxAwait;

	/**
	 * @param applied the applied revisions, or null when this application records none
	 * @param maxAwait the longest a save waits, whatever it asks for
	 */
	AppliedView(@Nullable AppliedRevisions applied, Duration maxAwait) {
		this.applied = applied;
		this.maxAwait = Objects.requireNonNull(maxAwait, "maxAwait must not be null");
	}

	/**
	 * The entries of every live instance that has a plugin loaded.
	 * @return them by instance name, sorted; null when this application records none
	 * @throws java.io.UncheckedIOException when they cannot be read now
	 */
	@Nullable Map<String, AppliedDescriptor> of(String uniqueId) {
		return (this.applied != null) ? describe(this.applied.get(uniqueId)) : null;
	}

	/**
	 * Waits until every live instance that has the plugin loaded applied the revision or
	 * failed to, at most the time asked for and at most {@code plugins.await-timeout}.
	 * @return whether they did, and their entries as last read (null when that read failed,
	 * or this application records none)
	 */
	Awaited await(String uniqueId, String revision, Duration requested) {
		if (this.applied == null) {
			return new Awaited(false, null);
		}
		Duration wait = (requested.compareTo(this.maxAwait) > 0) ? this.maxAwait : requested;
		AppliedAwait.Awaited outcome = AppliedAwait.await(this.applied, uniqueId, revision, wait);
		return new Awaited(outcome.awaited(), (outcome.applied() != null) ? describe(outcome.applied()) : null);
	}

	/**
	 * Reads a save's {@code await} as Spring Boot reads a duration property, a number
	 * alone as seconds.
	 * @param await what was sent
	 * @return the duration
	 * @throws IllegalArgumentException with {@link #AWAIT_RULE} when it is not one, or negative
	 */
	static Duration parse(String await) {
		Duration duration;
		try {
			duration = DurationStyle.detectAndParse(await.strip(), ChronoUnit.SECONDS);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(AWAIT_RULE);
		}
		if (duration.isNegative()) {
			throw new IllegalArgumentException(AWAIT_RULE);
		}
		return duration;
	}

	private static Map<String, AppliedDescriptor> describe(Map<String, AppliedRevision> entries) {
		Map<String, AppliedDescriptor> described = new LinkedHashMap<>();
		entries.forEach((instance, entry) -> described.put(instance, AppliedDescriptor.of(entry)));
		return Collections.unmodifiableMap(described);
	}

	/**
	 * How a save's wait ended.
	 *
	 * @param awaited whether every live instance that has the plugin loaded applied or
	 * failed the revision in time
	 * @param applied their entries as last read, or null
	 */
	record Awaited(boolean awaited, @Nullable Map<String, AppliedDescriptor> applied) {
	}

}
