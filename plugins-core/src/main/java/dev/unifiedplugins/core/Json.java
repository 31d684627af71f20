package dev.unifiedplugins.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Deep immutable copies of JSON-like values (maps, lists, scalars). Unlike
 * {@link Map#copyOf}, they keep key order and allow null values, which JSON schemas and
 * configurations contain.
 */
final class Json {

	private Json() {
	}

	static Map<String, Object> immutableCopy(@Nullable Map<String, ?> map) {
		if (map == null || map.isEmpty()) {
			return Map.of();
		}
		Map<String, @Nullable Object> copy = new LinkedHashMap<>(map.size() * 2);
		map.forEach((key, value) -> copy.put(key, immutableValue(value)));
		return Collections.unmodifiableMap(copy);
	}

	@SuppressWarnings("unchecked")
	private static @Nullable Object immutableValue(@Nullable Object value) {
		if (value instanceof Map<?, ?> map) {
			return immutableCopy((Map<String, ?>) map);
		}
		if (value instanceof List<?> list) {
			List<@Nullable Object> copy = new ArrayList<>(list.size());
			list.forEach((element) -> copy.add(immutableValue(element)));
			return Collections.unmodifiableList(copy);
		}
		return value;
	}

}
