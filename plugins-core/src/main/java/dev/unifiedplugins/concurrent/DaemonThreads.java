package dev.unifiedplugins.concurrent;

import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The library's one way to make its threads: daemons, so that none of them keeps a JVM
 * alive, with a name that says what they do (thread dumps are how a stuck plugin is found).
 */
public final class DaemonThreads implements ThreadFactory {

	private final String name;

	private final boolean numbered;

	private final AtomicInteger count = new AtomicInteger();

	private DaemonThreads(String name, boolean numbered) {
		this.name = Objects.requireNonNull(name, "name must not be null");
		this.numbered = numbered;
	}

	/**
	 * Threads that all have one name, for an executor of one thread.
	 * @param name the name
	 * @return the factory
	 */
	public static DaemonThreads named(String name) {
		return new DaemonThreads(name, false);
	}

	/**
	 * Threads named by a prefix and a number counted from 1, for a pool.
	 * @param prefix the prefix, such as {@code plugins-calls-}
	 * @return the factory
	 */
	public static DaemonThreads numbered(String prefix) {
		return new DaemonThreads(prefix, true);
	}

	@Override
	public Thread newThread(Runnable task) {
		Thread thread = new Thread(task, this.numbered ? this.name + this.count.incrementAndGet() : this.name);
		thread.setDaemon(true);
		return thread;
	}

}
