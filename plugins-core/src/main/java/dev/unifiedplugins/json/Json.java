package dev.unifiedplugins.json;

import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;
import java.util.RandomAccess;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import org.jspecify.annotations.Nullable;

/**
 * Deep immutable copies of JSON-like values (maps, lists, scalars). Unlike
 * {@link Map#copyOf}, they keep key order and allow null values, which JSON schemas and
 * configurations contain. A value this class made is returned as is rather than copied
 * again, so that passing a schema from descriptor to metadata to live view costs nothing.
 */
public final class Json {

	private Json() {
	}

	/**
	 * A deep immutable copy of a JSON object.
	 * @param map the object as maps, lists and scalars; null for none
	 * @return the copy, empty for null; the map itself when this class made it
	 */
	public static Map<String, Object> immutableCopy(@Nullable Map<String, ?> map) {
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

	// Our own types rather than Collections.unmodifiableMap/List, so that a copy can be
	// recognised and shared instead of copied again. With plain copies, each plugin's
	// schema is held three times (configured and unconfigured metadata, compiled schema):
	// retained heap at 1,000 plugins went from 2,277 to 4,725 B per plugin (BENCHMARKS.md).

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

		// AbstractMap's and Map's mutators change the map only when there is something to
		// change, so some calls would otherwise succeed: refuse them all, like Map.of does.

		@Override
		public @Nullable Object put(String key, Object value) {
			throw new UnsupportedOperationException();
		}

		@Override
		public void putAll(Map<? extends String, ? extends Object> map) {
			throw new UnsupportedOperationException();
		}

		@Override
		public @Nullable Object remove(Object key) {
			throw new UnsupportedOperationException();
		}

		@Override
		public void clear() {
			throw new UnsupportedOperationException();
		}

		@Override
		public @Nullable Object compute(String key,
				BiFunction<? super String, ? super @Nullable Object, ? extends @Nullable Object> function) {
			throw new UnsupportedOperationException();
		}

		@Override
		public Object computeIfAbsent(String key, Function<? super String, ? extends Object> function) {
			throw new UnsupportedOperationException();
		}

		@Override
		public @Nullable Object computeIfPresent(String key,
				BiFunction<? super String, ? super Object, ? extends @Nullable Object> function) {
			throw new UnsupportedOperationException();
		}

		@Override
		public @Nullable Object merge(String key, Object value,
				BiFunction<? super Object, ? super Object, ? extends @Nullable Object> function) {
			throw new UnsupportedOperationException();
		}

		@Override
		public @Nullable Object putIfAbsent(String key, Object value) {
			throw new UnsupportedOperationException();
		}

		@Override
		public boolean remove(Object key, Object value) {
			throw new UnsupportedOperationException();
		}

		@Override
		public boolean replace(String key, Object oldValue, Object newValue) {
			throw new UnsupportedOperationException();
		}

		@Override
		public @Nullable Object replace(String key, Object value) {
			throw new UnsupportedOperationException();
		}

		@Override
		public void replaceAll(BiFunction<? super String, ? super Object, ? extends Object> function) {
			throw new UnsupportedOperationException();
		}

	}

	/** An unmodifiable JSON array whose elements are all deeply immutable. */
	private static final class FrozenList extends AbstractList<Object> implements RandomAccess {

		private final List<@Nullable Object> elements;

		FrozenList(List<@Nullable Object> elements) {
			this.elements = Collections.unmodifiableList(elements);
		}

		@Override
		public Iterator<Object> iterator() {
			return this.elements.iterator();
		}

		@Override
		public ListIterator<Object> listIterator(int index) {
			return this.elements.listIterator(index);
		}

		@Override
		public List<Object> subList(int fromIndex, int toIndex) {
			return this.elements.subList(fromIndex, toIndex);
		}

		@Override
		public @Nullable Object get(int index) {
			return this.elements.get(index);
		}

		@Override
		public int size() {
			return this.elements.size();
		}

		// AbstractList's and Collection's bulk mutators change nothing when given nothing to
		// change: refuse them all, like List.of does.

		@Override
		public boolean addAll(Collection<? extends Object> values) {
			throw new UnsupportedOperationException();
		}

		@Override
		public boolean addAll(int index, Collection<? extends Object> values) {
			throw new UnsupportedOperationException();
		}

		@Override
		public boolean remove(@Nullable Object value) {
			throw new UnsupportedOperationException();
		}

		@Override
		public boolean removeAll(Collection<?> values) {
			throw new UnsupportedOperationException();
		}

		@Override
		public boolean retainAll(Collection<?> values) {
			throw new UnsupportedOperationException();
		}

		@Override
		public boolean removeIf(Predicate<? super Object> filter) {
			throw new UnsupportedOperationException();
		}

		@Override
		public void replaceAll(UnaryOperator<Object> operator) {
			throw new UnsupportedOperationException();
		}

		@Override
		public void sort(@Nullable Comparator<? super Object> comparator) {
			throw new UnsupportedOperationException();
		}

		@Override
		public void clear() {
			throw new UnsupportedOperationException();
		}

	}

}
