package dev.unifiedplugins.config;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.json.JsonReadFeature;

/**
 * Reads a configuration sent as JSON text, such as the body of a save over HTTP, so that
 * every value is the one sent or the text is refused: a number that a store could not
 * write and read back as it was sent (see {@link JsonValues#floatProblem}) is refused by
 * its JSON Pointer, as are NaN and the infinities, which JSON has not. Integers keep every
 * digit, up to {@value JsonValues#MAX_NUMBER_LENGTH}; other numbers become the doubles they
 * read as, as a stored configuration's do. Messages never quote the text.
 */
final class ExactJson {

	/** Longest path segment shown in a message: keys are not secrets, but may be long. */
	private static final int MAX_SEGMENT = 64;

	// Numbers of any length are tokenized (which is linear) and measured here before they
	// are converted, so that one too long is named by its path; containers one level deeper
	// than allowed are seen here too, and named.
	private static final JsonFactory FACTORY = JsonFactory.builder()
		.enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
		.streamReadConstraints(StreamReadConstraints.builder()
			.maxNestingDepth(JsonValues.MAX_DEPTH + 1)
			.maxNumberLength(Integer.MAX_VALUE)
			.maxStringLength((int) ConfigJson.MAX_SIZE_LIMIT)
			.maxNameLength((int) ConfigJson.MAX_SIZE_LIMIT)
			.build())
		.build();

	private ExactJson() {
	}

	/**
	 * Reads a configuration's JSON text.
	 * @param text the text
	 * @return the configuration
	 * @throws Refused naming the path and the problem
	 */
	static Map<String, Object> read(String text) {
		try (JsonParser parser = FACTORY.createParser(ObjectReadContext.empty(), text)) {
			JsonToken first = parser.nextToken();
			if (first != JsonToken.START_OBJECT) {
				if (first == null) {
					throw new Refused("", "config is empty; expected a JSON object");
				}
				throw new Refused("", "config must be a JSON object");
			}
			Map<String, Object> config = readObject(parser, "", 0);
			if (parser.nextToken() != null) {
				throw new Refused("", "config is not valid JSON" + at(parser.currentTokenLocation())
						+ ": more follows the object");
			}
			return config;
		}
		catch (JacksonException ex) {
			// The parser's message quotes the text, which may be a secret: only where.
			throw new Refused("", "config is not valid JSON" + at(ex.getLocation()));
		}
	}

	private static Map<String, Object> readObject(JsonParser parser, String path, int depth) {
		if (depth >= JsonValues.MAX_DEPTH) {
			throw new Refused(path, "nests deeper than " + JsonValues.MAX_DEPTH + " levels");
		}
		Map<String, Object> object = new LinkedHashMap<>();
		while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
			String key = parser.currentName();
			parser.nextToken();
			// A key sent twice: the last value counts, as when the text is read as a map.
			object.put(key, readValue(parser, path + "/" + segment(key), depth + 1));
		}
		return object;
	}

	private static List<Object> readArray(JsonParser parser, String path, int depth) {
		if (depth >= JsonValues.MAX_DEPTH) {
			throw new Refused(path, "nests deeper than " + JsonValues.MAX_DEPTH + " levels");
		}
		List<Object> array = new ArrayList<>();
		while (parser.nextToken() != JsonToken.END_ARRAY) {
			array.add(readValue(parser, path + "/" + array.size(), depth + 1));
		}
		return array;
	}

	private static @Nullable Object readValue(JsonParser parser, String path, int depth) {
		JsonToken token = parser.currentToken();
		return switch (token) {
			case START_OBJECT -> readObject(parser, path, depth);
			case START_ARRAY -> readArray(parser, path, depth);
			case VALUE_STRING -> parser.getString();
			case VALUE_TRUE -> Boolean.TRUE;
			case VALUE_FALSE -> Boolean.FALSE;
			case VALUE_NULL -> null;
			case VALUE_NUMBER_INT -> readInteger(parser, path);
			case VALUE_NUMBER_FLOAT -> readFloat(parser, path);
			default -> throw new Refused(path, "is not a JSON value");
		};
	}

	private static Number readInteger(JsonParser parser, String path) {
		String text = parser.getText();
		int digits = text.length() - ((text.charAt(0) == '-') ? 1 : 0);
		if (digits > JsonValues.MAX_NUMBER_LENGTH) {
			throw new Refused(path, "is an integer of more than " + JsonValues.MAX_NUMBER_LENGTH
					+ " digits, more than JSON readers accept (this store's and Python's)");
		}
		return parser.getNumberValue();
	}

	private static Double readFloat(JsonParser parser, String path) {
		if (parser.isNaN()) {
			throw new Refused(path, "is NaN or an infinity, which are not JSON numbers");
		}
		String text = parser.getText();
		if (text.length() > JsonValues.MAX_NUMBER_LENGTH) {
			throw new Refused(path, "is a number written with more than " + JsonValues.MAX_NUMBER_LENGTH
					+ " characters, more than JSON readers accept");
		}
		BigDecimal decimal;
		try {
			decimal = new BigDecimal(text);
		}
		catch (NumberFormatException ex) {
			// An exponent beyond an int: far out of a double's range either way.
			throw new Refused(path, JsonValues.OUT_OF_RANGE);
		}
		double read = Double.parseDouble(text);
		String problem = JsonValues.floatProblem(decimal, read);
		if (problem != null) {
			throw new Refused(path, problem);
		}
		return read;
	}

	private static String segment(String key) {
		String escaped = key.replace("~", "~0").replace("/", "~1");
		return (escaped.length() > MAX_SEGMENT) ? escaped.substring(0, MAX_SEGMENT) + "..." : escaped;
	}

	private static String at(@Nullable TokenStreamLocation location) {
		if (location == null || location.getLineNr() < 1) {
			return "";
		}
		return " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
	}

	/** A text refused: where, as a JSON Pointer (empty for the whole), and why. */
	static final class Refused extends RuntimeException {

		private static final long serialVersionUID = 1L;

		private final String path;

		Refused(String path, String message) {
			super(message, null, false, false);
			this.path = path;
		}

		String path() {
			return this.path;
		}

	}

}
