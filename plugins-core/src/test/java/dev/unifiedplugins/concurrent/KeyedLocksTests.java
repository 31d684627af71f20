package dev.unifiedplugins.concurrent;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link KeyedLocks}: one lock per key, waits bounded when asked, and nothing kept for a key
 * nobody holds.
 */
class KeyedLocksTests {

	private final KeyedLocks locks = new KeyedLocks();

	@Test
	void aHeldKeyDoesNotDelayAnotherKey() throws Exception {
		try (KeyedLocks.Held a = this.locks.lock("llm_a")) {
			boolean tookB = CompletableFuture.supplyAsync(() -> {
				try (KeyedLocks.Held b = this.locks.lock("llm_b")) {
					return true;
				}
			}).get(5, TimeUnit.SECONDS);
			assertThat(tookB).isTrue();
		}
		assertThat(this.locks.size()).isZero();
	}

	@Test
	void aHeldKeyMakesATimedWaitOfTheSameKeyGiveUp() throws Exception {
		try (KeyedLocks.Held a = this.locks.lock("llm_a")) {
			KeyedLocks.Held other = CompletableFuture.supplyAsync(() -> {
				try {
					return this.locks.tryLock("llm_a", Duration.ofMillis(50));
				}
				catch (InterruptedException ex) {
					throw new IllegalStateException(ex);
				}
			}).get(5, TimeUnit.SECONDS);
			assertThat(other).isNull();
			assertThat(CompletableFuture.supplyAsync(() -> this.locks.tryLock("llm_a")).get(5, TimeUnit.SECONDS))
				.isNull();
		}
		assertThat(this.locks.size()).isZero();
	}

	@Test
	void aReleasedKeyCanBeTakenAgain() throws Exception {
		this.locks.lock("llm_a").close();
		KeyedLocks.Held again = this.locks.tryLock("llm_a", Duration.ofMillis(50));
		assertThat(again).isNotNull();
		again.close();
		again.close(); // closing twice releases once
		assertThat(this.locks.size()).isZero();
	}

	@Test
	void nothingIsKeptForKeysNobodyHoldsAfterManyOperations() throws Exception {
		for (int i = 0; i < 20_000; i++) {
			String key = "llm_plugin" + i;
			try (KeyedLocks.Held held = this.locks.lock(key)) {
				assertThat(this.locks.size()).isEqualTo(1);
			}
			KeyedLocks.Held timed = this.locks.tryLock(key, Duration.ofMillis(10));
			timed.close();
			KeyedLocks.Held quick = this.locks.tryLock(key);
			quick.close();
		}
		assertThat(this.locks.size()).isZero();
	}

}
