package dev.unifiedplugins.actuate;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The key paths that a JSON Schema marks as secret: {@code "writeOnly": true} or
 * {@code "format": "password"}. Their values are masked whatever {@code show-values} says.
 * Paths are dotted ({@code auth.token}); array items share their array's path.
 */
final class SecretFields {

	private SecretFields() {
	}

	static Set<String> of(Map<String, Object> schema) {
		Set<String> paths = new HashSet<>();
		collect("", schema, paths, 0);
		return paths;
	}

	private static void collect(String path, Object node, Set<String> paths, int depth) {
		if (!(node instanceof Map<?, ?> schema) || depth > 64) {
			return;
		}
		if (!path.isEmpty() && (Boolean.TRUE.equals(schema.get("writeOnly")) || "password".equals(schema.get("format")))) {
			paths.add(path);
		}
		if (schema.get("properties") instanceof Map<?, ?> properties) {
			properties.forEach((key, value) -> collect(path.isEmpty() ? String.valueOf(key) : path + "." + key, value,
					paths, depth + 1));
		}
		if (schema.get("items") instanceof Map<?, ?> items) {
			collect(path, items, paths, depth + 1);
		}
		for (String combinator : List.of("allOf", "anyOf", "oneOf")) {
			if (schema.get(combinator) instanceof List<?> branches) {
				branches.forEach((branch) -> collect(path, branch, paths, depth + 1));
			}
		}
	}

}
