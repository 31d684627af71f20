package dev.unifiedplugins.applied;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link AppliedAwait}: waits until every live instance that has the plugin loaded has the
 * saved revision, applied or failed, or the wait runs out.
 */
class AppliedAwaitTests {

	private static final Instant AT = Instant.parse("2026-12-06T10:00:00Z");

	private final Entries entries = new Entries();

	@Test
	void withNoInstanceThatHasThePluginLoadedItIsAwaitedAtOnce() {
		AppliedAwait.Awaited awaited = AppliedAwait.await(this.entries, "p", "2", Duration.ofMinutes(10));
		assertThat(awaited.awaited()).isTrue();
		assertThat(awaited.applied()).isEmpty();
		assertThat(this.entries.reads).hasValue(1);
	}

	@Test
	void waitsUntilEveryInstanceHasTheRevisionAppliedOrFailed() {
		this.entries.put("b", "1", null);
		this.entries.put("a", "1", null);
		this.entries.onRead = (read) -> {
			if (read == 3) {
				this.entries.put("a", "2", null);
			}
			if (read == 5) {
				this.entries.put("b", "2", "refused");
			}
		};
		AppliedAwait.Awaited awaited = AppliedAwait.await(this.entries, "p", "2", Duration.ofMinutes(10));
		assertThat(awaited.awaited()).isTrue();
		assertThat(this.entries.reads).hasValue(5);
		assertThat(awaited.applied()).containsOnlyKeys("a", "b");
		assertThat(awaited.applied().keySet()).as("sorted by instance").containsExactly("a", "b");
		assertThat(awaited.applied().get("b").error()).isEqualTo("refused");
	}

	@Test
	void runsOutWhenAnInstanceStaysOnAnotherRevision() {
		this.entries.put("a", "2", null);
		this.entries.put("b", "1", null);
		AppliedAwait.Awaited awaited = AppliedAwait.await(this.entries, "p", "2", Duration.ofMillis(50));
		assertThat(awaited.awaited()).isFalse();
		assertThat(awaited.applied().get("b").revision()).isEqualTo("1");
	}

	@Test
	void aZeroWaitReadsOnce() {
		this.entries.put("a", "1", null);
		assertThat(AppliedAwait.await(this.entries, "p", "2", Duration.ZERO).awaited()).isFalse();
		assertThat(this.entries.reads).hasValue(1);
	}

	@Test
	void anUnreadableStoreIsNotAwaitedAndHasNoEntries() {
		this.entries.failing = true;
		AppliedAwait.Awaited awaited = AppliedAwait.await(this.entries, "p", "2", Duration.ofMillis(50));
		assertThat(awaited.awaited()).isFalse();
		assertThat(awaited.applied()).isNull();
	}

	@Test
	void aStoreThatCanBeReadAgainBeforeTheWaitRunsOutIsAwaited() {
		this.entries.failing = true;
		this.entries.onRead = (read) -> this.entries.failing = read < 3;
		assertThat(AppliedAwait.await(this.entries, "p", "2", Duration.ofMinutes(10)).awaited()).isTrue();
	}

	@Test
	void anInterruptedWaitIsNotAwaitedAndKeepsTheInterrupt() {
		this.entries.put("a", "1", null);
		Thread.currentThread().interrupt();
		try {
			assertThat(AppliedAwait.await(this.entries, "p", "2", Duration.ofMinutes(10)).awaited()).isFalse();
			assertThat(Thread.currentThread().isInterrupted()).isTrue();
		}
		finally {
			Thread.interrupted();
		}
	}

	@Test
	void aNegativeWaitIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> AppliedAwait.await(this.entries, "p", "2", Duration.ofSeconds(-1)))
			.withMessageContaining("timeout");
	}

	/** Entries of instances, set by the test, read through {@link #get} with a hook per read. */
	private static final class Entries implements AppliedRevisions {

		final Map<String, AppliedRevision> byInstance = new ConcurrentHashMap<>();

		final AtomicInteger reads = new AtomicInteger();

		volatile IntConsumer onRead = (read) -> {
		};

		volatile boolean failing;

		void put(String instance, String revision, @Nullable String error) {
			this.byInstance.put(instance, new AppliedRevision(revision, AT, error));
		}

		@Override
		public String instanceName() {
			return "a";
		}

		@Override
		public void record(String uniqueId, @Nullable String revision, @Nullable String error) {
		}

		@Override
		public void forget(String uniqueId) {
		}

		@Override
		public Map<String, AppliedRevision> get(String uniqueId) {
			this.onRead.accept(this.reads.incrementAndGet());
			if (this.failing) {
				throw new UncheckedIOException(new IOException("the database is down"));
			}
			return Map.copyOf(this.byInstance);
		}

		@Override
		public Duration pollInterval() {
			return Duration.ofMillis(1);
		}

	}

}
