package dev.unifiedplugins.actuate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.SanitizableData;

/**
 * The masks of a configuration sent back for saving: a client that read a configuration
 * with masked values (secrets always, every value unless {@code show-values} allows) and
 * sends it back with its changes cannot know the masked values, so a mask it sends stands
 * for the saved value at its place.
 * <p>
 * A mask takes the saved value at the same key path, and nothing else: a client cannot
 * move a saved secret to another field, where it would be shown. Where nothing is saved
 * the masked entry is left out, and so is an object or array that held only such masks.
 */
final class MaskedValues {

	/** What the endpoint shows instead of a value: {@value SanitizableData#SANITIZED_VALUE}. */
	static final String MASK = SanitizableData.SANITIZED_VALUE;

	/** A masked entry with nothing saved behind it, to be left out. */
	private static final Object LEFT_OUT = new Object();

	private MaskedValues() {
	}

	/**
	 * Whether a value holds a mask at any depth.
	 * @param value a JSON value as maps, lists and scalars
	 * @return true when it does
	 */
	static boolean containsMask(@Nullable Object value) {
		if (value instanceof Map<?, ?> map) {
			return map.values().stream().anyMatch(MaskedValues::containsMask);
		}
		if (value instanceof List<?> list) {
			return list.stream().anyMatch(MaskedValues::containsMask);
		}
		return MASK.equals(value);
	}

	/**
	 * Replaces every mask in a submitted configuration with the saved value at its place.
	 * @param submitted the configuration sent for saving
	 * @param saved the saved configuration, empty when none is saved
	 * @return the configuration to save
	 */
	@SuppressWarnings("unchecked")
	static Map<String, Object> restore(Map<String, ?> submitted, Map<String, ?> saved) {
		Object restored = restore(submitted, saved, true);
		return (restored instanceof Map<?, ?> map) ? (Map<String, Object>) map : new LinkedHashMap<>();
	}

	private static @Nullable Object restore(@Nullable Object submitted, @Nullable Object saved, boolean present) {
		if (MASK.equals(submitted)) {
			return present ? saved : LEFT_OUT;
		}
		if (submitted instanceof Map<?, ?> map) {
			Map<?, ?> savedMap = (saved instanceof Map<?, ?> m) ? m : Map.of();
			Map<Object, @Nullable Object> result = new LinkedHashMap<>();
			boolean leftOut = false;
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				Object key = entry.getKey();
				Object value = restore(entry.getValue(), savedMap.get(key), savedMap.containsKey(key));
				if (value == LEFT_OUT) {
					leftOut = true;
				}
				else {
					result.put(key, value);
				}
			}
			return (leftOut && result.isEmpty()) ? LEFT_OUT : result;
		}
		if (submitted instanceof List<?> list) {
			List<?> savedList = (saved instanceof List<?> l) ? l : List.of();
			List<@Nullable Object> result = new ArrayList<>(list.size());
			boolean leftOut = false;
			for (int i = 0; i < list.size(); i++) {
				boolean inSaved = i < savedList.size();
				Object value = restore(list.get(i), inSaved ? savedList.get(i) : null, inSaved);
				if (value == LEFT_OUT) {
					leftOut = true;
				}
				else {
					result.add(value);
				}
			}
			return (leftOut && result.isEmpty()) ? LEFT_OUT : result;
		}
		return submitted;
	}

}
