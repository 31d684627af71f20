package dev.unifiedplugins.cost;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;

import dev.unifiedplugins.concurrent.BoundedCalls;
import dev.unifiedplugins.cost.CloudResourceSurvey.Observation;
import dev.unifiedplugins.observation.PluginCallObserver;
import dev.unifiedplugins.protocols.CloudActivitySource;
import org.jspecify.annotations.Nullable;

/**
 * Asks the application's {@link CloudActivitySource}s when each running resource was last
 * used, in parallel and each call bounded, and keeps the latest answer, the plugin's own
 * included. A source that throws or does not answer in time counts as activity now. Its
 * failure is logged when it starts failing and when it answers again, not at every check.
 */
final class CloudActivitySources {

	private static final System.Logger logger = System.getLogger(CloudActivitySources.class.getName());

	private volatile List<Source> sources = List.of();

	private final BoundedCalls calls;

	private final Duration timeout;

	private final UnaryOperator<String> categories;

	CloudActivitySources(BoundedCalls calls, Duration timeout, UnaryOperator<String> categories) {
		this.calls = calls;
		this.timeout = timeout;
		this.categories = categories;
	}

	/** Replaces the sources, none at first; they are asked in this order. */
	void setSources(List<? extends CloudActivitySource> sources) {
		List<Source> numbered = new ArrayList<>();
		for (CloudActivitySource source : sources) {
			numbered.add(new Source(numbered.size(), Objects.requireNonNull(source, "source must not be null")));
		}
		this.sources = List.copyOf(numbered);
	}

	/**
	 * Replaces each running resource's last activity with the latest of its plugin's and the
	 * sources' answers.
	 * @param running the running resources, updated in place
	 * @param now what a source that fails or does not answer counts as
	 * @param observer what puts the calls in the plugin's log context
	 */
	void update(Map<String, Observation> running, Instant now, PluginCallObserver observer) {
		List<Source> sources = this.sources;
		if (sources.isEmpty() || running.isEmpty()) {
			return;
		}
		long deadline = System.nanoTime() + this.timeout.toNanos();
		Map<String, List<Future<Optional<Instant>>>> asked = new LinkedHashMap<>();
		running.forEach((id, observation) -> {
			String category = this.categories.apply(id);
			List<Future<Optional<Instant>>> answers = new ArrayList<>();
			for (Source source : sources) {
				// One key per source and plugin: a hung source holds at most one thread per
				// resource, and a slow one does not make the others wait in line.
				answers.add(this.calls.submit("activity:" + source.index() + ":" + id, observer.inContext(id,
						category, () -> source.source().lastActivity(id, observation.plugin()))));
			}
			asked.put(id, answers);
		});
		@Nullable String[] failures = new String[sources.size()];
		asked.forEach((id, answers) -> {
			Observation observation = running.get(id);
			Instant latest = observation.lastActivity();
			for (Source source : sources) {
				Instant answer;
				try {
					Optional<Instant> said = BoundedCalls.await(answers.get(source.index()), deadline, this.timeout);
					answer = (said != null) ? said.orElse(null) : null;
				}
				catch (BoundedCalls.PluginCallException ex) {
					failures[source.index()] = "about plugin '" + id + "': " + ex.getMessage();
					answer = now;
				}
				if (answer != null && (latest == null || answer.isAfter(latest))) {
					latest = answer;
				}
			}
			running.put(id, new Observation(observation.plugin(), observation.identity(), observation.hourlyUsd(),
					latest));
		});
		for (Source source : sources) {
			source.report(failures[source.index()]);
		}
	}

	/** A source with its place in the list, and whether it failed at the last check. */
	private static final class Source {

		private final int index;

		private final CloudActivitySource source;

		/** Only the checks change it, one at a time. */
		private volatile boolean failing;

		Source(int index, CloudActivitySource source) {
			this.index = index;
			this.source = source;
		}

		int index() {
			return this.index;
		}

		CloudActivitySource source() {
			return this.source;
		}

		/** Logs the change when the source starts failing or answers again. */
		void report(@Nullable String failure) {
			if (failure != null && !this.failing) {
				logger.log(System.Logger.Level.WARNING, "Cloud activity source " + name() + " failed " + failure
						+ "; its resources count as active while it fails");
			}
			else if (failure == null && this.failing) {
				logger.log(System.Logger.Level.INFO, "Cloud activity source " + name() + " answers again");
			}
			this.failing = failure != null;
		}

		private String name() {
			return "#" + this.index + " (" + this.source.getClass().getName() + ")";
		}

	}

}
