package dev.unifiedplugins.core;

import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Deep immutable copies of JSON-like values (maps, lists, scalars). Unlike
 * {@link Map#copyOf}, they keep key order and allow null values, which JSON schemas and
 * configurations contain. A value this class made is returned as is rather than copied
 * again, so that passing a schema from descriptor to metadata to live view costs nothing.
 */
final class Json {

	private Json() {
	}

	static Map<String, Object> immutableCopy(@Nullable Map<String, ?> map) {
		if (map == null || map.isEmpty()) {
			return Map.of();
		}
		if (map instanceof FrozenMap frozen) {
			return frozen;
		}
		Map<String, @Nullable Object> copy = new LinkedHashMap<>(map.size() * 2);
		map.forEach((key, value) -> copy.put(key, immutableValue(value)));
		return new FrozenMap(copy);
	}

	@SuppressWarnings("unchecked")
	private static @Nullable Object immutableValue(@Nullable Object value) {
		if (value instanceof Map<?, ?> map) {
			return immutableCopy((Map<String, ?>) map);
		}
		if (value instanceof FrozenList) {
			return value;
		}
		if (value instanceof List<?> list) {
			List<@Nullable Object> copy = new ArrayList<>(list.size());
			list.forEach((element) -> copy.add(immutableValue(element)));
			return new FrozenList(copy);
		}
		return value;
	}

	/** An unmodifiable JSON object whose values are all deeply immutable. */
	private static final class FrozenMap extends AbstractMap<String, Object> {

		private final Map<String, @Nullable Object> entries;

		FrozenMap(Map<String, @Nullable Object> entries) {
			this.entries = Collections.unmodifiableMap(entries);
		}

		@Override
		public Set<Entry<String, Object>> entrySet() {
			return this.entries.entrySet();
		}

		@Override
		public int size() {
			return this.entries.size();
		}

		@Override
		public boolean containsKey(Object key) {
			return this.entries.containsKey(key);
		}

		@Override
		public @Nullable Object get(Object key) {
			return this.entries.get(key);
		}

	}

	/** An unmodifiable JSON array whose elements are all deeply immutable. */
	private static final class FrozenList extends AbstractList<Object> implements RandomAccess {

		private final List<@Nullable Object> elements;

		FrozenList(List<@Nullable Object> elements) {
			this.elements = elements;
		}

		@Override
		public @Nullable Object get(int index) {
			return this.elements.get(index);
		}

		@Override
		public int size() {
			return this.elements.size();
		}

	}

}
