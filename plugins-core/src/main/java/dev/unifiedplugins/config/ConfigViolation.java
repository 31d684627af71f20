package dev.unifiedplugins.config;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One way in which a plugin configuration breaks its schema. Never holds the offending
 * value, which may be a secret.
 *
 * @param path where in the configuration, as a JSON Pointer ({@code /device},
 * {@code /nested/threads}, {@code /languages/0}); empty for the configuration as a whole
 * @param message what is wrong, such as {@code required property 'model' not found}
 */
public record ConfigViolation(String path, String message) {

	public ConfigViolation {
		Objects.requireNonNull(path, "path must not be null");
		Objects.requireNonNull(message, "message must not be null");
	}

	/** {@code path: message}, for exception messages. */
	static String describe(List<ConfigViolation> violations) {
		return violations.stream()
			.map((violation) -> where(violation.path()) + ": " + violation.message())
			.collect(Collectors.joining("; "));
	}

	/** A JSON Pointer for messages: {@code (root)} for the empty one. */
	static String where(String pointer) {
		return pointer.isEmpty() ? "(root)" : pointer;
	}

}
