package dev.unifiedplugins.config;

import java.util.Locale;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Recognizes configuration keys that hold credentials, so that their values are masked
 * wherever they would be shown, even when showing configuration values is allowed.
 */
public final class SensitiveKeys {

	/** What a masked value is replaced with. */
	public static final String MASK = "******";

	private static final Pattern SENSITIVE = Pattern.compile(
			".*(password|passwd|passphrase|pwd|secret|token|credential|api[_.-]?key|private[_.-]?key|access[_.-]?key"
					+ "|authorization|cookie|session[_.-]?id|signature).*");

	private SensitiveKeys() {
	}

	/**
	 * Whether a key, or the last segment of a dotted key path, names a credential.
	 * @param key a key such as {@code apiKey} or {@code auth.client_secret}
	 * @return true when its value must be masked
	 */
	public static boolean isSensitive(@Nullable String key) {
		if (key == null) {
			return false;
		}
		String normalized = key.toLowerCase(Locale.ROOT);
		return SENSITIVE.matcher(normalized).matches();
	}

}
