package dev.unifiedplugins.concurrent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.unifiedplugins.testsupport.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What {@link BoundedCalls} keeps per call is released: after thousands of calls on as
 * many keys (a key per plugin, and per activity source and plugin) no key is left, and a
 * hung key's queue holds only the callers still waiting, however many gave up before.
 */
class BoundedCallsTests {

	private static final Duration SHORT = Duration.ofMillis(20);

	private final BoundedCalls calls = new BoundedCalls("test-bounded-calls-", 4);

	@AfterEach
	void close() {
		this.calls.close();
	}

	@Test
	void thousandsOfCallsOnDistinctKeysLeaveNoKeyBehindThoseThatThrowIncluded() {
		for (int round = 0; round < 5; round++) {
			List<Future<Integer>> started = new ArrayList<>();
			for (int i = 0; i < 1_000; i++) {
				int n = i;
				started.add(this.calls.submit("activity:0:plugin_" + round + "_" + i, () -> {
					if (n % 3 == 0) {
						throw new IllegalStateException("plugin " + n + " fails");
					}
					return n;
				}));
			}
			long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
			for (int i = 0; i < started.size(); i++) {
				Future<Integer> call = started.get(i);
				if (i % 3 == 0) {
					assertThatExceptionOfType(BoundedCalls.PluginCallException.class)
						.isThrownBy(() -> BoundedCalls.await(call, deadline, Duration.ofSeconds(30)))
						.withMessageContaining("fails");
				}
				else {
					assertThat(BoundedCalls.await(call, deadline, Duration.ofSeconds(30))).isEqualTo(i);
				}
			}
			// A key is removed by the pool's thread after its call returned, just after the
			// caller saw the result.
			Await.until("no busy key", () -> this.calls.busyKeys() == 0);
		}
	}

	@Test
	void callsThatWaitOnCallsOfTheirOwnNeverStarveWithEveryThreadTaken() {
		// As many such calls as the pool has threads: the calls they wait for start all the same.
		Duration bound = Duration.ofSeconds(10);
		CountDownLatch allRunning = new CountDownLatch(4);
		List<Future<String>> outer = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			String id = "plugin_" + i;
			outer.add(this.calls.submit("shutdown:" + id, () -> {
				allRunning.countDown();
				allRunning.await(bound.toSeconds(), TimeUnit.SECONDS);
				Future<String> inner = this.calls.submit("before-terminate:" + id, () -> "last word of " + id);
				return BoundedCalls.await(inner, System.nanoTime() + bound.toNanos(), bound);
			}));
		}
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		for (int i = 0; i < outer.size(); i++) {
			assertThat(BoundedCalls.await(outer.get(i), deadline, bound)).isEqualTo("last word of plugin_" + i);
		}
		Await.until("no busy key", () -> this.calls.busyKeys() == 0);
	}

	@Test
	void aCallThatCannotStartBecauseEveryThreadIsTakenSaysSoAndClosingFailsIt() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		try {
			for (int i = 0; i < 4; i++) {
				this.calls.submit("hung_" + i, () -> release.await(30, TimeUnit.SECONDS));
			}
			Future<String> starved = this.calls.submit("healthy", () -> "never started");
			assertThatExceptionOfType(BoundedCalls.PluginCallException.class)
				.isThrownBy(() -> BoundedCalls.await(starved, System.nanoTime() + SHORT.toNanos(), SHORT))
				.withMessageContaining("every thread of its pool runs a call that has not returned");
			Future<String> dropped = this.calls.submit("queued", () -> "never started");
			Future<String> behindItsKey = this.calls.submit("hung_0", () -> "never started");
			this.calls.close();
			for (Future<String> never : List.of(dropped, behindItsKey)) {
				assertThat(never).isDone();
				assertThatExceptionOfType(java.util.concurrent.ExecutionException.class).isThrownBy(never::get)
					.withCauseInstanceOf(java.util.concurrent.RejectedExecutionException.class);
			}
		}
		finally {
			release.countDown();
		}
	}

	@Test
	void aCallThatHasNotStartedTellsWhetherItWaitsBehindItsKeyOrForAThread() throws Exception {
		CountDownLatch first = new CountDownLatch(1);
		CountDownLatch others = new CountDownLatch(1);
		CountDownLatch betaStarted = new CountDownLatch(1);
		try {
			Future<Boolean> running = this.calls.submit("alpha", () -> first.await(30, TimeUnit.SECONDS));
			for (int i = 1; i < 4; i++) {
				this.calls.submit("hung_" + i, () -> others.await(30, TimeUnit.SECONDS));
			}
			Future<String> behindItsKey = this.calls.submit("alpha", () -> "second");
			Future<Boolean> forAThread = this.calls.submit("beta", () -> {
				betaStarted.countDown();
				return others.await(30, TimeUnit.SECONDS);
			});
			assertThat(BoundedCalls.isQueuedBehindKey(behindItsKey)).isTrue();
			assertThat(BoundedCalls.isQueuedBehindKey(forAThread)).isFalse();
			first.countDown();
			assertThat(running.get(10, TimeUnit.SECONDS)).isTrue();
			// The freed thread handed alpha's next call to the pool, then took beta, queued before it.
			assertThat(betaStarted.await(10, TimeUnit.SECONDS)).isTrue();
			assertThat(behindItsKey).isNotDone();
			assertThat(BoundedCalls.isQueuedBehindKey(behindItsKey)).as("waits for a thread now").isFalse();
			others.countDown();
			assertThat(behindItsKey.get(10, TimeUnit.SECONDS)).isEqualTo("second");
		}
		finally {
			first.countDown();
			others.countDown();
		}
	}

	@Test
	void aHungKeyQueuesOnlyTheCallersStillWaitingAndIsReleasedWhenItReturns() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		Future<Boolean> hung = this.calls.submit("before-terminate:gpu", () -> release.await(30, TimeUnit.SECONDS));
		for (int i = 0; i < 2_000; i++) {
			Future<String> behind = this.calls.submit("before-terminate:gpu", () -> "never started");
			assertThatExceptionOfType(BoundedCalls.PluginCallException.class)
				.isThrownBy(() -> BoundedCalls.await(behind, System.nanoTime() + SHORT.toNanos() / 10, SHORT))
				.withMessageContaining("before-terminate:gpu");
			assertThat(this.calls.waiting("before-terminate:gpu")).isLessThanOrEqualTo(1);
		}
		// Another key is not held up by the hung one.
		assertThat(BoundedCalls.await(this.calls.submit("before-terminate:other", () -> "answered"),
				System.nanoTime() + Duration.ofSeconds(10).toNanos(), Duration.ofSeconds(10)))
			.isEqualTo("answered");
		release.countDown();
		assertThat(hung.get(10, TimeUnit.SECONDS)).isTrue();
		Await.until("no busy key", () -> this.calls.busyKeys() == 0);
	}

}
