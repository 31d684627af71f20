package dev.unifiedplugins.config;

import java.util.Objects;

/**
 * Rules for categories, plugin names and unique ids. An id is 1 to {@value #MAX_LENGTH}
 * characters of letters, digits, {@code _}, {@code -} and {@code .}, does not start with
 * {@code .} and does not contain {@code ..}, so that it is always a safe file name.
 */
public final class PluginIds {

	/** The longest legal id. */
	public static final int MAX_LENGTH = 128;

	private PluginIds() {
	}

	/**
	 * Whether the given string is a legal id.
	 * @param id the candidate, may be null
	 * @return true when it is legal
	 */
	public static boolean isValid(String id) {
		if (id == null || id.isEmpty() || id.length() > MAX_LENGTH || id.charAt(0) == '.') {
			return false;
		}
		char previous = 0;
		for (int i = 0; i < id.length(); i++) {
			char c = id.charAt(i);
			boolean legal = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
					|| c == '-' || c == '.';
			if (!legal || (c == '.' && previous == '.')) {
				return false;
			}
			previous = c;
		}
		return true;
	}

	/**
	 * Checks an id and returns it.
	 * @param id the candidate
	 * @param kind what the id names, for the message, such as {@code "unique id"}
	 * @return the id
	 * @throws IllegalArgumentException naming the id and the rule when it is illegal
	 * @throws NullPointerException when the id is null
	 */
	public static String requireValid(String id, String kind) {
		Objects.requireNonNull(id, () -> kind + " must not be null");
		if (!isValid(id)) {
			throw new IllegalArgumentException("Illegal " + kind + " '" + printable(id) + "': use 1 to " + MAX_LENGTH
					+ " letters, digits, '_', '-' or '.', not starting with '.' and without '..'");
		}
		return id;
	}

	private static String printable(String id) {
		String shown = (id.length() > 64) ? id.substring(0, 64) + "...(" + id.length() + " chars)" : id;
		StringBuilder out = new StringBuilder(shown.length());
		for (int i = 0; i < shown.length(); i++) {
			char c = shown.charAt(i);
			if (c < 0x20 || c == 0x7f) {
				out.append(String.format("\\u%04x", (int) c));
			}
			else {
				out.append(c);
			}
		}
		return out.toString();
	}

}
