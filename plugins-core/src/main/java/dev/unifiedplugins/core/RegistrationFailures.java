package dev.unifiedplugins.core;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The categories whose last registration failed, and when each failure ends: at the
 * category's next successful registration or, for a category registered while the store
 * could not be read, at the store's next successful read.
 */
final class RegistrationFailures {

	private final Map<String, Throwable> failures = new ConcurrentHashMap<>();

	private final Set<String> endingWithStoreRead = ConcurrentHashMap.newKeySet();

	void succeeded(String category) {
		this.endingWithStoreRead.remove(category);
		this.failures.remove(category);
	}

	/**
	 * @param registered whether the category was registered all the same, the store alone
	 * failing to be read
	 */
	void failed(String category, Throwable failure, boolean registered) {
		this.failures.put(category, failure);
		if (registered) {
			this.endingWithStoreRead.add(category);
		}
		else {
			this.endingWithStoreRead.remove(category);
		}
	}

	void storeRead() {
		this.endingWithStoreRead.removeIf((category) -> {
			this.failures.remove(category);
			return true;
		});
	}

	Map<String, Throwable> sorted() {
		return Collections.unmodifiableMap(new TreeMap<>(this.failures));
	}

}
