package dev.unifiedplugins.sample.transcription;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds the JSON Schemas of the sample plugins' configurations. Maps keep the order in
 * which they are written, so that the schema reads the same in the actuator endpoint.
 */
public final class Schemas {

	private Schemas() {
	}

	/**
	 * A schema of an object.
	 * @param title the schema's title, shown as the plugin's title
	 * @param description the schema's description, shown as the plugin's description
	 * @param properties the schema of each property, in display order
	 * @return the schema
	 */
	public static Map<String, Object> object(String title, String description, Map<String, Object> properties) {
		return ordered("title", title, "description", description, "type", "object", "properties", properties);
	}

	/**
	 * An unmodifiable map that keeps the order of its entries.
	 * @param keysAndValues alternating keys ({@code String}) and values
	 * @return the map
	 */
	public static Map<String, Object> ordered(Object... keysAndValues) {
		if (keysAndValues.length % 2 != 0) {
			throw new IllegalArgumentException("Expected alternating keys and values, but got an odd number of "
					+ keysAndValues.length + " arguments");
		}
		Map<String, Object> map = new LinkedHashMap<>();
		for (int i = 0; i < keysAndValues.length; i += 2) {
			if (!(keysAndValues[i] instanceof String key)) {
				throw new IllegalArgumentException(
						"Key at index " + i + " must be a String, but was " + keysAndValues[i]);
			}
			map.put(key, keysAndValues[i + 1]);
		}
		return Collections.unmodifiableMap(map);
	}

}
