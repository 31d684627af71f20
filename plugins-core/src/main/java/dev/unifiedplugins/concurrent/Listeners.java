package dev.unifiedplugins.concurrent;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The listeners of one kind of event. They may be added and removed from any thread while
 * events are delivered; each event goes to each listener in turn on the delivering thread,
 * as Spring delivers to its {@code @EventListener}s, and a listener that throws, whatever it
 * throws short of a {@link VirtualMachineError}, is logged and does not stop the others.
 *
 * @param <E> the event type
 */
public final class Listeners<E> {

	private static final System.Logger logger = System.getLogger(Listeners.class.getName());

	private final String events;

	private final List<Consumer<? super E>> listeners = new CopyOnWriteArrayList<>();

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
		this.listeners.add(Objects.requireNonNull(listener, "listener must not be null"));
	}

	/**
	 * Removes a listener; nothing happens when it was not added.
	 * @param listener the listener
	 */
	public void remove(Consumer<? super E> listener) {
		this.listeners.remove(listener);
	}

	/**
	 * Delivers an event to every listener.
	 * @param event the event
	 */
	public void deliver(E event) {
		for (Consumer<? super E> listener : this.listeners) {
			try {
				listener.accept(event);
			}
			catch (RuntimeException | Error ex) {
				if (ex instanceof VirtualMachineError fatal) {
					throw fatal;
				}
				// An AssertionError or a NoClassDefFoundError is the listener's failure, not the deliverer's.
				logger.log(System.Logger.Level.WARNING, "A listener of " + this.events + " failed on " + event, ex);
			}
		}
	}

}
