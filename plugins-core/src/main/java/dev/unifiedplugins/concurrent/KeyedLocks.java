package dev.unifiedplugins.concurrent;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;

/**
 * One lock per key (a plugin's unique id), made when a first caller needs it and dropped
 * when the last one releases it: callers of different keys never wait for each other, and
 * nothing is kept for a key nobody holds, however many keys come and go.
 */
public final class KeyedLocks {

	private final Map<String, Entry> entries = new ConcurrentHashMap<>();

	/**
	 * Waits for a key's lock as long as it takes.
	 * @param key the key
	 * @return the held lock, to close
	 */
	public Held lock(String key) {
		Entry entry = acquire(key);
		entry.lock.lock();
		return new Held(key, entry);
	}

	/**
	 * Takes a key's lock if no one holds it.
	 * @param key the key
	 * @return the held lock, to close, or null when another holds it
	 */
	public @Nullable Held tryLock(String key) {
		Entry entry = acquire(key);
		if (entry.lock.tryLock()) {
			return new Held(key, entry);
		}
		release(key, entry);
		return null;
	}

	/**
	 * Waits for a key's lock at most {@code timeout}.
	 * @param key the key
	 * @param timeout the longest wait
	 * @return the held lock, to close, or null when the wait ran out
	 * @throws InterruptedException when the thread is interrupted while it waits
	 */
	public @Nullable Held tryLock(String key, Duration timeout) throws InterruptedException {
		Entry entry = acquire(key);
		boolean locked = false;
		try {
			locked = entry.lock.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		finally {
			if (!locked) {
				release(key, entry);
			}
		}
		return locked ? new Held(key, entry) : null;
	}

	/** {@return how many keys have a lock now: those held or waited for} */
	public int size() {
		return this.entries.size();
	}

	private Entry acquire(String key) {
		Objects.requireNonNull(key, "key must not be null");
		return this.entries.compute(key, (k, entry) -> {
			Entry result = (entry != null) ? entry : new Entry();
			result.users++;
			return result;
		});
	}

	private void release(String key, Entry entry) {
		this.entries.computeIfPresent(key, (k, current) -> (current == entry && --current.users == 0) ? null : current);
	}

	/** A key's lock, with the number of callers that hold it or wait for it. */
	private static final class Entry {

		private final ReentrantLock lock = new ReentrantLock();

		/** Changed only inside the map's compute functions, which the map runs one at a time per key. */
		private int users;

	}

	/** A held key lock; closing it releases the lock once. */
	public final class Held implements AutoCloseable {

		private final String key;

		private final Entry entry;

		private boolean closed;

		private Held(String key, Entry entry) {
			this.key = key;
			this.entry = entry;
		}

		@Override
		public void close() {
			if (!this.closed) {
				this.closed = true;
				this.entry.lock.unlock();
				release(this.key, this.entry);
			}
		}

	}

}
