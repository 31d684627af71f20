package dev.unifiedplugins.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Checks that a configuration holds only what a JSON object can, in a form that reads back
 * as it was written: maps with string keys, collections, strings, numbers, booleans and
 * nulls. NaN and the infinities are allowed, as Python's {@code json} module writes and
 * reads them. Errors name the path of the offending value, never the value itself, which
 * may be a secret.
 */
final class JsonValues {

	/** Nesting levels Jackson's writer and reader allow. */
	static final int MAX_DEPTH = 500;

	/**
	 * Digits an integer may have: Python's {@code json.load} reads no more by default
	 * ({@code sys.get_int_max_str_digits()}), and the store's reader is set to the same.
	 */
	static final int MAX_NUMBER_LENGTH = 4300;

	/** Bits of the largest integer of {@link #MAX_NUMBER_LENGTH} digits, and one more. */
	private static final int MAX_INTEGER_BITS = (int) Math.ceil(MAX_NUMBER_LENGTH * Math.log(10) / Math.log(2))
			+ 1;

	private JsonValues() {
	}

	/**
	 * Checks a configuration for a file of at most {@code maxBytes}: a string or key that
	 * alone could not fit is named here; the size of the whole is the writer's to check.
	 */
	static void check(String uniqueId, Map<String, ?> config, long maxBytes) {
		if (config == null) {
			throw new NullPointerException("config of plugin '" + uniqueId + "' must not be null");
		}
		checkValue(uniqueId, "", config, 0, java.util.Collections.newSetFromMap(new IdentityHashMap<>()), maxBytes);
	}

	private static void checkValue(String uniqueId, String path, @Nullable Object value, int depth, Set<Object> seen,
			long maxBytes) {
		if (value == null || value instanceof Boolean || value instanceof Integer || value instanceof Long
				|| value instanceof Short || value instanceof Byte || value instanceof Double
				|| value instanceof Float) {
			// A double reads back exactly, NaN and the infinities included; a float as the
			// double of its shortest decimal form.
			return;
		}
		if (value instanceof String string) {
			if (takesMoreThan(string, maxBytes)) {
				throw invalid(uniqueId, path, "is a string that alone takes more than plugins.max-config-size ("
						+ maxBytes + " bytes) as JSON");
			}
			return;
		}
		if (value instanceof BigInteger integer) {
			checkInteger(uniqueId, path, integer);
			return;
		}
		if (value instanceof BigDecimal decimal) {
			checkDecimal(uniqueId, path, decimal);
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
				if (takesMoreThan(key, maxBytes)) {
					throw invalid(uniqueId, path, "has a key that alone takes more than plugins.max-config-size ("
							+ maxBytes + " bytes) as JSON");
				}
				checkValue(uniqueId, path.isEmpty() ? key : path + "." + key, entry.getValue(), depth + 1, seen,
						maxBytes);
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
				checkValue(uniqueId, path + "[" + index++ + "]", element, depth + 1, seen, maxBytes);
			}
			seen.remove(collection);
			return;
		}
		throw invalid(uniqueId, path, "is a " + value.getClass().getName()
				+ ", which JSON cannot hold (use maps, lists, strings, numbers, booleans or null)");
	}

	private static void checkInteger(String uniqueId, String path, BigInteger integer) {
		// The bit length spares converting a huge number to text only to count its digits.
		if (integer.bitLength() > MAX_INTEGER_BITS || integer.abs().toString().length() > MAX_NUMBER_LENGTH) {
			throw invalid(uniqueId, path, "has more than " + MAX_NUMBER_LENGTH
					+ " digits, more than JSON readers accept (this store's and Python's)");
		}
	}

	/**
	 * A decimal is written as it is, and read back as an integer when it is written without
	 * a point or an exponent, else as a double, as Python reads it too. It must then be
	 * the same number, see {@link #floatProblem}.
	 */
	private static void checkDecimal(String uniqueId, String path, BigDecimal decimal) {
		String text = decimal.toString();
		boolean integral = text.indexOf('.') < 0 && text.indexOf('E') < 0;
		if (integral) {
			checkInteger(uniqueId, path, decimal.toBigInteger());
			return;
		}
		if (text.length() > MAX_NUMBER_LENGTH) {
			throw invalid(uniqueId, path, "is written with more than " + MAX_NUMBER_LENGTH
					+ " characters, more than JSON readers accept (use a double)");
		}
		String problem = floatProblem(decimal, Double.parseDouble(text));
		if (problem != null) {
			throw invalid(uniqueId, path, "is a decimal that " + problem.substring("is ".length())
					+ " (JSON readers, this store's and Python's, read it as a double; use a double, or a "
					+ "BigInteger for an integer)");
		}
	}

	/** Why a number is not kept: it is out of a double's range. */
	static final String OUT_OF_RANGE = "is out of a double's range: it would read as Infinity";

	/**
	 * Why a number that JSON readers read as a double (this store's and Python's) would not
	 * read back as the number it is, or null when it would: when the double is finite, is
	 * not zero unless the number is, and holds every significant digit of the number, which
	 * is then the double rounded to that many digits. So {@code 0.1}, {@code 0.10},
	 * {@code 1e300}, {@code 5e-324} and {@code 4.9E-324} (both the smallest double) are
	 * kept; {@code 1e400}, {@code 1.5e-400} and {@code 0.10000000000000000000001} (which
	 * would read as {@code 0.1}) are not.
	 * @param decimal the number, as written
	 * @param read the double it is read as
	 * @return the problem, beginning with "is", or null
	 */
	static @Nullable String floatProblem(BigDecimal decimal, double read) {
		if (!Double.isFinite(read)) {
			return OUT_OF_RANGE;
		}
		if (decimal.signum() == 0) {
			return null;
		}
		if (read == 0) {
			return "is too close to zero for a double: it would read as 0";
		}
		BigDecimal digits = decimal.stripTrailingZeros();
		BigDecimal rounded = new BigDecimal(read).round(new MathContext(digits.precision(), RoundingMode.HALF_EVEN));
		if (rounded.compareTo(digits) != 0) {
			return "is more precise than a double: it would read as another number (a double holds 15 to 17 "
					+ "significant digits)";
		}
		return null;
	}

	/**
	 * Whether a string surely takes more than {@code maxBytes} as JSON: it takes at least
	 * its quotes and one byte per character, six for one that is not ASCII, which is
	 * written as an escape of six characters.
	 */
	private static boolean takesMoreThan(String text, long maxBytes) {
		long least = text.length() + 2L;
		if (least > maxBytes || least + 5L * text.length() <= maxBytes) {
			return least > maxBytes;
		}
		for (int i = 0; i < text.length(); i++) {
			if (text.charAt(i) > 0x7f) {
				least += 5;
			}
		}
		return least > maxBytes;
	}

	private static IllegalArgumentException invalid(String uniqueId, String path, String problem) {
		String where = path.isEmpty() ? "The config" : "Config value '" + path + "'";
		return new IllegalArgumentException(where + " of plugin '" + uniqueId + "' " + problem);
	}

}
