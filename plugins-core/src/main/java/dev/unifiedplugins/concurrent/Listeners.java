package dev.unifiedplugins.concurrent;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * The listeners of one kind of event. They may be added and removed from any thread while
 * events are delivered; a listener that throws, whatever it throws short of a
 * {@link VirtualMachineError}, is logged and does not stop the others.
 * <p>
 * {@link #deliver(Object)} calls each listener in turn on the delivering thread.
 * {@link #deliver(Object, BoundedCalls, Duration)} is for a thread that serves every plugin
 * (the cost checks, the config watcher), which one hung listener must not stop: each
 * listener gets the event on a bounded call of its own, its events one at a time and in
 * order, and the delivering thread waits for them at most a timeout. A listener that has
 * not returned by then gets that event, and its later ones, once it returns; the others
 * get theirs at once, and later deliveries do not wait for it again until it has. Events
 * still waiting for a listener when the pool closes, as the application stops, are not
 * delivered.
 *
 * @param <E> the event type
 */
public final class Listeners<E> {

	private static final System.Logger logger = System.getLogger(Listeners.class.getName());

	/** Numbers the listeners added, for the keys of their bounded calls. */
	private static final AtomicLong added = new AtomicLong();

	/** Set while a listener runs on a bounded call: an event it causes reaches the listeners on its thread. */
	private static final ThreadLocal<Boolean> inListener = new ThreadLocal<>();

	private final String events;

	private final List<Registered<E>> listeners = new CopyOnWriteArrayList<>();

	/**
	 * Creates an empty list of listeners.
	 * @param events what the events are, for the log: {@code "cloud resource terminations"}
	 */
	public Listeners(String events) {
		this.events = Objects.requireNonNull(events, "events must not be null");
	}

	/**
	 * Adds a listener.
	 * @param listener the listener
	 */
	public void add(Consumer<? super E> listener) {
		Objects.requireNonNull(listener, "listener must not be null");
		this.listeners.add(new Registered<>(listener, "listener:" + added.incrementAndGet()));
	}

	/**
	 * Removes a listener; nothing happens when it was not added.
	 * @param listener the listener
	 */
	public void remove(Consumer<? super E> listener) {
		for (Registered<E> registered : this.listeners) {
			if (registered.listener.equals(listener)) {
				this.listeners.remove(registered);
				return;
			}
		}
	}

	/**
	 * Delivers an event to every listener, in turn, on this thread.
	 * @param event the event
	 */
	public void deliver(E event) {
		for (Registered<E> registered : this.listeners) {
			accept(registered, event);
		}
	}

	/**
	 * Delivers an event to every listener, each on a bounded call of its own, waiting for
	 * them at most a timeout in all; never throws. An event a listener causes while it runs
	 * (a save it makes) reaches the listeners on its thread, as {@link #deliver(Object)}
	 * does, rather than behind itself.
	 * @param event the event
	 * @param calls where the listeners run
	 * @param timeout the longest this waits for them, {@code plugins.resource-timeout}
	 */
	public void deliver(E event, BoundedCalls calls, Duration timeout) {
		if (inListener.get() != null) {
			deliver(event);
			return;
		}
		long deadline = System.nanoTime() + timeout.toNanos();
		Map<Registered<E>, Future<?>> awaited = new LinkedHashMap<>();
		for (Registered<E> registered : this.listeners) {
			Future<?> previous = registered.last;
			Future<?> call = calls.submit(registered.key, () -> {
				inListener.set(Boolean.TRUE);
				try {
					accept(registered, event);
				}
				finally {
					inListener.remove();
				}
				return null;
			});
			registered.last = call;
			if (previous == null || previous.isDone()) {
				awaited.put(registered, call);
			}
		}
		awaited.forEach((registered, call) -> await(registered, event, call, deadline, timeout));
	}

	private void await(Registered<E> registered, E event, Future<?> call, long deadline, Duration timeout) {
		try {
			call.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			// Not cancelled: the event waits for the listener, not the other way round.
			logger.log(System.Logger.Level.WARNING, "A listener of " + this.events + " ("
					+ registered.listener.getClass().getName() + ") has not returned within "
					+ BoundedCalls.format(timeout) + " (plugins.resource-timeout); it gets " + event
					+ " and its later events once it does, and nothing else waits for it");
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RejectedExecutionException) {
				// The pool is closed, as the application stops: delivered here, not lost.
				accept(registered, event);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void accept(Registered<E> registered, E event) {
		try {
			registered.listener.accept(event);
		}
		catch (RuntimeException | Error ex) {
			if (ex instanceof VirtualMachineError fatal) {
				throw fatal;
			}
			// An AssertionError or a NoClassDefFoundError is the listener's failure, not the deliverer's.
			logger.log(System.Logger.Level.WARNING, "A listener of " + this.events + " failed on " + event, ex);
		}
	}

	/** A listener, the key of its bounded calls, and its last bounded call. */
	private static final class Registered<E> {

		final Consumer<? super E> listener;

		final String key;

		volatile @Nullable Future<?> last;

		Registered(Consumer<? super E> listener, String key) {
			this.listener = listener;
			this.key = key;
		}

	}

}
