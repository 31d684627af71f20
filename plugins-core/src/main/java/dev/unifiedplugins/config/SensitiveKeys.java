package dev.unifiedplugins.config;

import java.util.Locale;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Recognizes configuration keys that hold credentials, so that their values are masked
 * wherever they would be shown, even when showing configuration values is allowed; and
 * keys whose values say where data goes, beside which a masked credential is kept only
 * while they stay as they are.
 */
public final class SensitiveKeys {

	/** What a masked value is replaced with. */
	public static final String MASK = "******";

	private static final Pattern SENSITIVE = Pattern.compile(
			".*(password|passwd|passphrase|pwd|secret|token|credential|api[_.-]?key|private[_.-]?key|access[_.-]?key"
					+ "|authorization|cookie|session[_.-]?id|signature).*");

	/**
	 * Keys that say where data goes: names ending in url, uri, host, hostname, endpoint,
	 * server or address, in any case ({@code endpoint_url}, {@code baseUrl},
	 * {@code proxy_host}), as DESIGN.md lists them. A plural ({@code servers}) names a
	 * collection, whose elements' own keys say where each goes: changing one server of a
	 * list does not move a secret kept beside the list.
	 */
	private static final Pattern DESTINATION = Pattern.compile(".*(url|uri|host|hostname|endpoint|server|address)");

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

	/**
	 * Whether a key, or the last segment of a dotted key path, says where data goes: a
	 * name ending in url, uri, host, hostname, endpoint, server or address, or their
	 * plurals, in any case.
	 * @param key a key such as {@code endpoint_url} or {@code proxy.host}
	 * @return true when a change of its value sends data elsewhere
	 */
	public static boolean isDestination(@Nullable String key) {
		if (key == null) {
			return false;
		}
		return DESTINATION.matcher(key.toLowerCase(Locale.ROOT)).matches();
	}

}
