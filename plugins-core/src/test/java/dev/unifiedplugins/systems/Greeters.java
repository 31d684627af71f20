package dev.unifiedplugins.systems;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What the test plugins' constructors and cleanups record, and the checks their
 * {@code validate} runs, visible from every class loader (plugin JARs have the test class
 * loader as parent).
 */
public final class Greeters {

	private static final Map<String, AtomicInteger> created = new ConcurrentHashMap<>();

	private static final Map<String, AtomicInteger> cleanedUp = new ConcurrentHashMap<>();

	private static final Set<String> failing = ConcurrentHashMap.newKeySet();

	private static final Map<String, Consumer<Object>> checks = new ConcurrentHashMap<>();

	private static final Map<String, CountDownLatch> hung = new ConcurrentHashMap<>();

	private static final Map<String, Supplier<? extends Throwable>> throwing = new ConcurrentHashMap<>();

	private Greeters() {
	}

	/** Called by each test plugin's constructor; throws when the plugin is set to fail. */
	public static void constructing(String name) {
		if (failing.contains(name)) {
			throw new IllegalStateException("constructor of " + name + " fails on purpose");
		}
		created.computeIfAbsent(name, (key) -> new AtomicInteger()).incrementAndGet();
		step(name, "constructor");
	}

	public static void cleaningUp(String name) {
		cleanedUp.computeIfAbsent(name, (key) -> new AtomicInteger()).incrementAndGet();
	}

	public static int created(String name) {
		AtomicInteger count = created.get(name);
		return (count != null) ? count.get() : 0;
	}

	public static int cleanedUp(String name) {
		AtomicInteger count = cleanedUp.get(name);
		return (count != null) ? count.get() : 0;
	}

	public static void failing(String name, boolean fail) {
		if (fail) {
			failing.add(name);
		}
		else {
			failing.remove(name);
		}
	}

	/** Sets what a test plugin's {@code validate} does with the configuration it is given. */
	public static void checking(String name, Consumer<Object> check) {
		checks.put(name, check);
	}

	/** Called by a test plugin's {@code validate}: runs the check set for it, if any. */
	public static void validating(String name, Object config) {
		Consumer<Object> check = checks.get(name);
		if (check != null) {
			check.accept(config);
		}
	}

	/**
	 * Makes a step of a test plugin ({@code "constructor"}, {@code "configure"},
	 * {@code "cleanup"}, {@code "pids"})
	 * hang until {@link #reset()}, deaf to interrupts as a plugin stuck for good is.
	 */
	public static void hanging(String name, String step) {
		hung.put(name + "." + step, new CountDownLatch(1));
	}

	/** Lets a step set {@link #hanging} return, now and from then on. */
	public static void release(String name, String step) {
		CountDownLatch gate = hung.remove(name + "." + step);
		if (gate != null) {
			gate.countDown();
		}
	}

	/** Makes a step of a test plugin throw what {@code failure} makes, Errors included. */
	public static void throwing(String name, String step, Supplier<? extends Throwable> failure) {
		throwing.put(name + "." + step, failure);
	}

	/** Lets a step set {@link #throwing} return again. */
	public static void notThrowing(String name, String step) {
		throwing.remove(name + "." + step);
	}

	/** Called by a test plugin at each step: hangs or throws as set, else returns. */
	public static void step(String name, String step) {
		CountDownLatch gate = hung.get(name + "." + step);
		while (gate != null && gate.getCount() > 0) {
			try {
				gate.await();
			}
			catch (InterruptedException ex) {
				// Stuck for good: an interrupt does not end it.
			}
		}
		Supplier<? extends Throwable> failure = throwing.get(name + "." + step);
		if (failure != null) {
			Greeters.<RuntimeException>sneaky(failure.get());
		}
	}

	@SuppressWarnings("unchecked")
	private static <E extends Throwable> void sneaky(Throwable failure) throws E {
		throw (E) failure;
	}

	public static void reset() {
		hung.values().forEach(CountDownLatch::countDown);
		hung.clear();
		throwing.clear();
		created.clear();
		cleanedUp.clear();
		failing.clear();
		checks.clear();
	}

}
