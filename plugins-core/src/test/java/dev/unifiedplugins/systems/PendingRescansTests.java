package dev.unifiedplugins.systems;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import dev.unifiedplugins.concurrent.BoundedCalls;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/** Tests for {@link PendingRescans}: what a rescan that has not returned in time is said to wait for. */
class PendingRescansTests {

	private static final long BOUND = Duration.ofMillis(300).toNanos();

	private static final PluginLifecycle.Rediscovery NOTHING = new PluginLifecycle.Rediscovery(List.of(), List.of());

	@Test
	void aRescanThatCannotStartForAFullPoolSaysSoRatherThanWaitingBehindAnEarlierRescan() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		try (BoundedCalls calls = new BoundedCalls("pending-rescans-test-", 1)) {
			// A hung configure of some plugin holds the pool's only thread; no rescan of "llm" runs.
			calls.submit("llm_gpt", () -> {
				release.await();
				return null;
			});
			PendingRescans rescans = new PendingRescans(calls);
			assertThatIllegalStateException().isThrownBy(() -> rescans.rescan("llm", () -> NOTHING, BOUND))
				.withMessageContaining("every thread of the lifecycle's pool runs a plugin call that has not returned")
				.withMessageNotContaining("behind an earlier rescan of the category");
		}
		finally {
			release.countDown();
		}
	}

	@Test
	void aRescanQueuedBehindAHungRescanOfItsCategorySaysSo() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		try (BoundedCalls calls = new BoundedCalls("pending-rescans-test-", 2)) {
			PendingRescans rescans = new PendingRescans(calls);
			assertThatIllegalStateException().isThrownBy(() -> rescans.rescan("llm", () -> {
				release.await();
				return NOTHING;
			}, BOUND)).withMessageContaining("pluginDescriptor() may hang");
			assertThatIllegalStateException().isThrownBy(() -> rescans.rescan("llm", () -> NOTHING, BOUND))
				.withMessageContaining("behind an earlier rescan of the category that has not returned");
		}
		finally {
			release.countDown();
		}
	}

}
