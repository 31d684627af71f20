package dev.unifiedplugins.testsupport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * A clock the test moves.
 */
public final class MutableClock extends Clock {

	private volatile Instant now;

	public MutableClock(Instant now) {
		this.now = now;
	}

	public void advance(Duration duration) {
		this.now = this.now.plus(duration);
	}

	@Override
	public Instant instant() {
		return this.now;
	}

	@Override
	public java.time.ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(java.time.ZoneId zone) {
		return this;
	}

}
