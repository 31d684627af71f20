package dev.unifiedplugins.actuate;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns the body of a save, {@code {"config": {...}, "revision": "..."}}, into the form
 * Spring Boot's web endpoint support can bind: {@code {"config": "{...}", ...}}, the
 * configuration as JSON text. Boot reads a write operation's body as a map of strings
 * (spring-projects/spring-boot#13866), so an object there fails before the operation runs.
 * <p>
 * The text is the exact bytes of the object in the request, not a re-serialization, so
 * numbers keep every digit for the operation's own parse and its limits. A body that is
 * not a JSON object, or whose {@code config} is already text, is left as it is: the
 * operation answers it.
 */
final class ConfigObjectBody {

	private static final String CONFIG = "config";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private ConfigObjectBody() {
	}

	/**
	 * Rewrites a save's body.
	 * @param body the request body, UTF-8 JSON
	 * @return the body with {@code config} as JSON text, or null when there is nothing to
	 * change
	 */
	static byte @Nullable [] rewrite(byte[] body) {
		byte[] config = rawConfig(body);
		if (config == null) {
			return null;
		}
		try {
			ObjectNode tree = (ObjectNode) JSON.readTree(body);
			tree.put(CONFIG, new String(config, StandardCharsets.UTF_8));
			return JSON.writeValueAsBytes(tree);
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	/** The bytes of a top-level {@code config} object or array, null when there is none. */
	private static byte @Nullable [] rawConfig(byte[] body) {
		try (JsonParser parser = JSON.createParser(body)) {
			if (parser.nextToken() != JsonToken.START_OBJECT) {
				return null;
			}
			byte[] config = null;
			while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
				String name = parser.currentName();
				JsonToken value = parser.nextToken();
				boolean structured = value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY;
				long start = parser.currentTokenLocation().getByteOffset();
				parser.skipChildren();
				if (CONFIG.equals(name)) {
					// The last one counts, as when the body is read as a map.
					config = structured ? Arrays.copyOfRange(body, (int) start,
							(int) parser.currentTokenLocation().getByteOffset() + 1) : null;
				}
			}
			// Only a whole, well-formed object is rewritten; anything else is the operation's to refuse.
			return (parser.currentToken() == JsonToken.END_OBJECT && parser.nextToken() == null) ? config : null;
		}
		catch (JacksonException ex) {
			return null;
		}
	}

}
