package dev.unifiedplugins.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Checks that a configuration holds only what a JSON object can: maps with string keys,
 * collections, strings, finite numbers, booleans and nulls. Errors name the path of the
 * offending value, never the value itself, which may be a secret.
 */
final class JsonValues {

	private static final int MAX_DEPTH = 500;

	private JsonValues() {
	}

	static void check(String uniqueId, Map<String, ?> config) {
		if (config == null) {
			throw new NullPointerException("config of plugin '" + uniqueId + "' must not be null");
		}
		checkValue(uniqueId, "", config, 0, java.util.Collections.newSetFromMap(new IdentityHashMap<>()));
	}

	private static void checkValue(String uniqueId, String path, @Nullable Object value, int depth, Set<Object> seen) {
		if (value == null || value instanceof String || value instanceof Boolean || value instanceof Integer
				|| value instanceof Long || value instanceof Short || value instanceof Byte
				|| value instanceof BigInteger || value instanceof BigDecimal) {
			return;
		}
		if (value instanceof Double || value instanceof Float) {
			if (!Double.isFinite(((Number) value).doubleValue())) {
				// Not even NaN or Infinity is quoted: errors never show values.
				throw invalid(uniqueId, path, "is not a finite number, which JSON cannot hold (use a finite number)");
			}
			return;
		}
		// The config itself is at depth 0 and is Jackson's nesting level 1, whose writer and
		// reader allow MAX_DEPTH levels.
		if (depth >= MAX_DEPTH) {
			throw invalid(uniqueId, path, "nests deeper than " + MAX_DEPTH + " levels");
		}
		if (value instanceof Map<?, ?> map) {
			if (!seen.add(map)) {
				throw invalid(uniqueId, path, "contains itself");
			}
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				if (!(entry.getKey() instanceof String key)) {
					throw invalid(uniqueId, path, "has a key of type "
							+ ((entry.getKey() != null) ? entry.getKey().getClass().getName() : "null")
							+ "; JSON object keys are strings");
				}
				checkValue(uniqueId, path.isEmpty() ? key : path + "." + key, entry.getValue(), depth + 1, seen);
			}
			seen.remove(map);
			return;
		}
		if (value instanceof Collection<?> collection) {
			if (!seen.add(collection)) {
				throw invalid(uniqueId, path, "contains itself");
			}
			int index = 0;
			for (Object element : collection) {
				checkValue(uniqueId, path + "[" + index++ + "]", element, depth + 1, seen);
			}
			seen.remove(collection);
			return;
		}
		throw invalid(uniqueId, path, "is a " + value.getClass().getName()
				+ ", which JSON cannot hold (use maps, lists, strings, numbers, booleans or null)");
	}

	private static IllegalArgumentException invalid(String uniqueId, String path, String problem) {
		String where = path.isEmpty() ? "The config" : "Config value '" + path + "'";
		return new IllegalArgumentException(where + " of plugin '" + uniqueId + "' " + problem);
	}

}
