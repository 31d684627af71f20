package dev.unifiedplugins.config;

import java.math.BigDecimal;
import java.util.ArrayList;
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
