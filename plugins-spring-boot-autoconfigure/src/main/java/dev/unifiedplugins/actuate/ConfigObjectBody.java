package dev.unifiedplugins.actuate;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns the body of a save, {@code {"config": {...}, "revision": "..."}}, into the form
 * Spring Boot's web endpoint support can bind: {@code {"config": "{...}", ...}}, the
 * configuration as JSON text. Boot reads a write operation's body as a map of strings
 * (spring-projects/spring-boot#13866), so an object there fails before the operation runs.
 * <p>
 * The text is the exact bytes of the object in the request, not a re-serialization, so
 * numbers keep every digit, and a NaN keeps its place, for the operation's own parse, which
 * names the path of what it refuses. A body whose {@code config} is already text, or absent,
 * is passed on as it is. A body that Boot could not read at all (not UTF-8, not JSON, not an
 * object, a NaN outside the configuration) is {@link Refused refused} here, with what is
 * wrong: Boot's own 400 for it says nothing.
 */
final class ConfigObjectBody {

	private static final String CONFIG = "config";

	/** The form the body must have, for messages. */
	private static final String EXPECTED = "{\"config\": {...}, \"revision\": \"...\"}";

	// Numbers of any length and NaN pass here, to be named by their path in the operation's
	// parse; containers may nest deeper than a configuration may, for the same reason.
	private static final JsonFactory FACTORY = JsonFactory.builder()
		.enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
		.streamReadConstraints(StreamReadConstraints.builder()
			.maxNestingDepth(1000)
			.maxNumberLength(Integer.MAX_VALUE)
			.maxStringLength(Integer.MAX_VALUE)
			.maxNameLength(Integer.MAX_VALUE)
			.build())
		.build();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private ConfigObjectBody() {
	}

	/**
	 * Rewrites a save's body.
	 * @param body the request body, UTF-8 JSON
	 * @return the body with {@code config} as JSON text, or the body itself when there is
	 * nothing to change
	 * @throws Refused when Spring Boot could not read the body, saying why without quoting it
	 */
	static byte[] rewrite(byte[] body) {
		if (isBlank(body)) {
			// The operation answers that config is required.
			return body;
		}
		int invalid = firstInvalidUtf8(body);
		if (invalid >= 0) {
			throw new Refused("The request body is not valid UTF-8 (byte " + invalid + ")");
		}
		int[] config = configRange(body);
		if (config == null) {
			return body;
		}
		ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 64);
		out.write(body, 0, config[0]);
		out.writeBytes(JSON.writeValueAsBytes(new String(body, config[0], config[1] - config[0], StandardCharsets.UTF_8)));
		out.write(body, config[1], body.length - config[1]);
		return out.toByteArray();
	}

	/**
	 * Where the last top-level {@code config} is, when it is an object or an array: its
	 * first byte and the one after its last; null when it is not.
	 */
	private static int @Nullable [] configRange(byte[] body) {
		try (JsonParser parser = FACTORY.createParser(ObjectReadContext.empty(), body)) {
			if (parser.nextToken() != JsonToken.START_OBJECT) {
				throw new Refused("The request body must be a JSON object: " + EXPECTED);
			}
			int[] config = null;
			while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
				String name = parser.currentName();
				JsonToken value = parser.nextToken();
				boolean isConfig = CONFIG.equals(name);
				if (!isConfig) {
					requireNoNaN(parser, name);
					continue;
				}
				boolean structured = value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY;
				long start = parser.currentTokenLocation().getByteOffset();
				parser.skipChildren();
				// The last one counts, as when the body is read as a map.
				config = structured ? new int[] { (int) start,
						(int) parser.currentTokenLocation().getByteOffset() + 1 } : null;
				if (!structured && parser.isNaN()) {
					throw new Refused("config is NaN or an infinity; expected a JSON object");
				}
			}
			if (parser.nextToken() != null) {
				throw new Refused("The request body is not valid JSON" + at(parser.currentTokenLocation())
						+ ": more follows the object");
			}
			return config;
		}
		catch (StreamConstraintsException ex) {
			throw new Refused("The request body nests deeper than a JSON reader allows" + at(ex.getLocation()));
		}
		catch (JacksonException ex) {
			// The parser's message quotes the body, which may hold a secret: only where.
			throw new Refused("The request body is not valid JSON" + at(ex.getLocation()));
		}
	}

	/**
	 * Walks a value other than the config, refusing NaN and the infinities there: Boot's
	 * reader would fail on them without saying why.
	 */
	private static void requireNoNaN(JsonParser parser, String name) {
		int depth = 0;
		do {
			JsonToken token = parser.currentToken();
			if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
				depth++;
			}
			else if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
				depth--;
			}
			else if (token == JsonToken.VALUE_NUMBER_FLOAT && parser.isNaN()) {
				throw new Refused(shorten(name) + " holds NaN or an infinity, which are not JSON numbers"
						+ at(parser.currentTokenLocation()));
			}
		}
		while (depth > 0 && parser.nextToken() != null);
	}

	private static String shorten(String name) {
		return (name.length() > 32) ? name.substring(0, 32) + "..." : name;
	}

	private static boolean isBlank(byte[] body) {
		for (byte b : body) {
			if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
				return false;
			}
		}
		return true;
	}

	/** The offset of the first byte that is not valid UTF-8, or -1. */
	private static int firstInvalidUtf8(byte[] body) {
		CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
			.onMalformedInput(CodingErrorAction.REPORT)
			.onUnmappableCharacter(CodingErrorAction.REPORT);
		ByteBuffer in = ByteBuffer.wrap(body);
		try {
			decoder.decode(in);
			return -1;
		}
		catch (CharacterCodingException ex) {
			return in.position();
		}
	}

	private static String at(@Nullable TokenStreamLocation location) {
		if (location == null || location.getLineNr() < 1) {
			return "";
		}
		return " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
	}

	/** The answer to a refused body: a 400 with one violation of the body as a whole. */
	static byte[] badRequest(String message) {
		return JSON.writeValueAsBytes(Map.of("violations", List.of(Map.of("path", "", "message", message))));
	}

	/** A body Spring Boot could not read: why, never quoting it. */
	static final class Refused extends RuntimeException {

		private static final long serialVersionUID = 1L;

		Refused(String message) {
			super(message, null, false, false);
		}

	}

}
