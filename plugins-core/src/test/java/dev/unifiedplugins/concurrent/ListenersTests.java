package dev.unifiedplugins.concurrent;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

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
	void aNullListenerIsRefused() {
		assertThatNullPointerException().isThrownBy(() -> new Listeners<String>("test events").add(null))
			.withMessageContaining("listener");
	}

}
