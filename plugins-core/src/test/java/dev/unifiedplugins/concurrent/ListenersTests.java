package dev.unifiedplugins.concurrent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

import dev.unifiedplugins.testsupport.Await;
import dev.unifiedplugins.testsupport.TestPlugins;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class ListenersTests {

	@Test
	void aListenerThatThrowsEvenAnErrorStopsNeitherTheOthersNorTheDeliverer() {
		Listeners<String> listeners = new Listeners<>("test events");
		List<String> seen = new ArrayList<>();
		listeners.add((event) -> {
			throw new IllegalStateException("broken listener");
		});
		listeners.add((event) -> {
			throw new AssertionError("broken listener");
		});
		listeners.add((event) -> seen.add("third " + event));
		listeners.deliver("one");
		listeners.deliver("two");
		assertThat(seen).containsExactly("third one", "third two");
	}

	@Test
	void aListenerMayRemoveItselfWhileAnEventIsDelivered() {
		Listeners<String> listeners = new Listeners<>("test events");
		List<String> seen = new ArrayList<>();
		Consumer<String> once = new Consumer<>() {

			@Override
			public void accept(String event) {
				seen.add("once " + event);
				listeners.remove(this);
			}

		};
		listeners.add(once);
		listeners.add((event) -> seen.add("always " + event));
		listeners.deliver("a");
		listeners.deliver("b");
		assertThat(seen).containsExactly("once a", "always a", "always b");
	}

	@Test
	void aListenerThatHangsHoldsUpTheBoundedDeliveryOnlyUntilTheTimeoutAndGetsItsEventsInOrderLater() {
		CountDownLatch release = new CountDownLatch(1);
		List<String> hung = new CopyOnWriteArrayList<>();
		List<String> healthy = new CopyOnWriteArrayList<>();
		Listeners<String> listeners = new Listeners<>("test events");
		listeners.add((event) -> {
			hung.add(event);
			TestPlugins.hangIgnoringInterrupts(release);
		});
		listeners.add(healthy::add);
		try (BoundedCalls calls = new BoundedCalls("test-listeners-", 2)) {
			assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
				listeners.deliver("one", calls, Duration.ofMillis(100));
				listeners.deliver("two", calls, Duration.ofMillis(100));
			});
			assertThat(healthy).containsExactly("one", "two");
			assertThat(hung).containsExactly("one");
			release.countDown();
			Await.until("the hung listener gets the later event", () -> hung.size() == 2);
			assertThat(hung).containsExactly("one", "two");
		}
	}

	@Test
	void anEventCausedByAListenerOnItsBoundedCallReachesTheListenersOnItsThread() {
		Listeners<String> listeners = new Listeners<>("test events");
		List<String> seen = new CopyOnWriteArrayList<>();
		try (BoundedCalls calls = new BoundedCalls("test-listeners-", 2)) {
			listeners.add((event) -> {
				seen.add(event);
				if (event.equals("save")) {
					listeners.deliver("caused by the save", calls, Duration.ofSeconds(5));
				}
			});
			listeners.deliver("save", calls, Duration.ofSeconds(5));
			assertThat(seen).containsExactly("save", "caused by the save");
		}
	}

	@Test
	void aBoundedDeliveryOnAClosedPoolDeliversOnTheCallingThread() {
		Listeners<String> listeners = new Listeners<>("test events");
		List<String> seen = new CopyOnWriteArrayList<>();
		listeners.add(seen::add);
		BoundedCalls calls = new BoundedCalls("test-listeners-", 2);
		calls.close();
		listeners.deliver("at shutdown", calls, Duration.ofSeconds(5));
		assertThat(seen).containsExactly("at shutdown");
	}

	@Test
	void aNullListenerIsRefused() {
		assertThatNullPointerException().isThrownBy(() -> new Listeners<String>("test events").add(null))
			.withMessageContaining("listener");
	}

}
