package dev.unifiedplugins.config;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonPointer;

/**
 * What differs between two configurations, compared as JSON: objects key by key at every
 * depth, arrays and scalars whole, numbers by value whatever their Java type ({@code 5}
 * and {@code 5.0} are the same), and an absent value the same as null.
 */
public final class ConfigChanges {

	private ConfigChanges() {
	}

	/**
	 * Lists the differences between two configurations, in the order of the keys: those of
	 * {@code before} first, then those only {@code after} has, nested ones in place.
	 * @param before the configuration as it was
	 * @param after the configuration as it would be
	 * @return one change per differing value that is not an object on both sides; empty
	 * when the two are the same
	 */
	public static List<ConfigChange> between(Map<String, ?> before, Map<String, ?> after) {
		Objects.requireNonNull(before, "before must not be null");
		Objects.requireNonNull(after, "after must not be null");
		List<ConfigChange> changes = new ArrayList<>();
		compare(before, after, JsonPointer.empty(), changes);
		return List.copyOf(changes);
	}

	/**
	 * Lists the differences between two configurations as a store keeps them, without
	 * defaults: where either holds a value, objects looked into down to their values and
	 * anything else (an array, an empty object) one value, so a value saved equal to a
	 * default differs from nothing saved there. A save's changes of effective values are
	 * {@link #between}'s; these tell also what a save starts or stops saving where the
	 * effective value stays the same, such as a first save of the defaults.
	 * @param before the saved configuration as it was, empty for none
	 * @param after the saved configuration as it would be
	 * @return one change per path where the saved values differ, in the order of
	 * {@code before}'s paths, then those only {@code after} has: {@code from} is null where
	 * {@code before} saves nothing, {@code to} where {@code after} saves nothing
	 */
	public static List<ConfigChange> betweenSaved(Map<String, ?> before, Map<String, ?> after) {
		Objects.requireNonNull(before, "before must not be null");
		Objects.requireNonNull(after, "after must not be null");
		Map<String, @Nullable Object> was = saved(before);
		Map<String, @Nullable Object> will = saved(after);
		Set<String> paths = new LinkedHashSet<>(was.keySet());
		paths.addAll(will.keySet());
		List<ConfigChange> changes = new ArrayList<>();
		for (String path : paths) {
			Object from = was.get(path);
			Object to = will.get(path);
			if (!same(from, to)) {
				changes.add(new ConfigChange(path, from, to));
			}
		}
		return List.copyOf(changes);
	}

	/** Each saved value by its JSON Pointer: non-empty objects looked into, anything else one value. */
	private static Map<String, @Nullable Object> saved(Map<?, ?> config) {
		Map<String, @Nullable Object> values = new LinkedHashMap<>();
		addSaved(config, JsonPointer.empty(), values);
		return values;
	}

	private static void addSaved(Map<?, ?> object, JsonPointer at, Map<String, @Nullable Object> values) {
		object.forEach((key, value) -> {
			JsonPointer path = at.appendProperty(String.valueOf(key));
			if (value instanceof Map<?, ?> map && !map.isEmpty()) {
				addSaved(map, path, values);
			}
			else {
				values.put(path.toString(), value);
			}
		});
	}

	/**
	 * Whether two JSON values are the same: objects and arrays element by element, numbers
	 * by value, an absent value as null.
	 * @param one a JSON value as maps, lists and scalars
	 * @param other another
	 * @return true when they are
	 */
	public static boolean same(@Nullable Object one, @Nullable Object other) {
		if (one instanceof Number a && other instanceof Number b) {
			try {
				return new BigDecimal(a.toString()).compareTo(new BigDecimal(b.toString())) == 0;
			}
			catch (NumberFormatException ex) {
				// NaN or an infinity.
				return a.equals(b);
			}
		}
		if (one instanceof Map<?, ?> a && other instanceof Map<?, ?> b) {
			return keys(a, b).stream().allMatch((key) -> same(a.get(key), b.get(key)));
		}
		if (one instanceof List<?> a && other instanceof List<?> b) {
			if (a.size() != b.size()) {
				return false;
			}
			for (int i = 0; i < a.size(); i++) {
				if (!same(a.get(i), b.get(i))) {
					return false;
				}
			}
			return true;
		}
		return Objects.equals(one, other);
	}

	private static void compare(Map<?, ?> before, Map<?, ?> after, JsonPointer at, List<ConfigChange> changes) {
		for (Object key : keys(before, after)) {
			Object from = before.get(key);
			Object to = after.get(key);
			JsonPointer path = at.appendProperty(String.valueOf(key));
			if (from instanceof Map<?, ?> fromMap && to instanceof Map<?, ?> toMap) {
				compare(fromMap, toMap, path, changes);
			}
			else if (!same(from, to)) {
				changes.add(new ConfigChange(path.toString(), from, to));
			}
		}
	}

	private static Set<Object> keys(Map<?, ?> one, Map<?, ?> other) {
		Set<Object> keys = new LinkedHashSet<>(one.keySet());
		keys.addAll(other.keySet());
		return keys;
	}

}
