package dev.unifiedplugins.testsupport;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Bounded polling for conditions that the operating system makes true eventually (a
 * process forked, a zombie reaped). Never used to assert how long something takes: the
 * bound only keeps a broken test from hanging.
 */
public final class Await {

	/** The bound on every wait in tests: it keeps a broken test from hanging, it is not a speed test. */
	public static final Duration BOUND = Duration.ofSeconds(20);

	private Await() {
	}

	/**
	 * Waits until a condition holds, at most {@link #BOUND}.
	 * @param description what is awaited, for the failure message
	 * @param condition the condition
	 * @throws AssertionError when it does not hold within the bound
	 */
	public static void until(String description, BooleanSupplier condition) {
		long deadline = System.nanoTime() + BOUND.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() - deadline > 0) {
				throw new AssertionError("Gave up after " + BOUND.toSeconds() + " s waiting until " + description);
			}
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError("Interrupted while waiting until " + description, ex);
			}
		}
	}

}
