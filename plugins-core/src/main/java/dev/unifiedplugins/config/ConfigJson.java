package dev.unifiedplugins.config;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.core.json.JsonWriteFeature;
import tools.jackson.core.util.DefaultPrettyPrinter;
import tools.jackson.core.util.Separators;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

/**
 * The stored form of a configuration, the same in every store: a JSON object with 2-space
 * indentation, written as Python's {@code json.dump(config, f, indent=2)} writes it (ASCII
 * only, other characters escaped; NaN and the infinities as bare words) and read as UTF-8.
 * What {@link #write} accepts, {@link #parse} reads back as it was. Public for the stores of
 * other modules (the JDBC store), so that every store has one stored form.
 */
public final class ConfigJson {

	/** Largest maximum config size: 1 GiB. */
	public static final long MAX_SIZE_LIMIT = 1024L * 1024 * 1024;

	// The reader takes any string or name that fits in a file (the file size is bounded
	// before parsing), and the integers Python reads; the writer escapes as Python does.
	private static final JsonMapper MAPPER = JsonMapper
		.builder(JsonFactory.builder()
			.streamReadConstraints(StreamReadConstraints.builder()
				.maxNestingDepth(JsonValues.MAX_DEPTH)
				.maxNumberLength(JsonValues.MAX_NUMBER_LENGTH)
				.maxStringLength((int) MAX_SIZE_LIMIT)
				.maxNameLength((int) MAX_SIZE_LIMIT)
				.build())
			.build())
		.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
		.enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
		.enable(JsonWriteFeature.ESCAPE_NON_ASCII)
		.disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE)
		.disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
		.build();

	private static final ObjectWriter WRITER = MAPPER.writer().with(new DefaultPrettyPrinter()
		.withSeparators(Separators.createDefaultInstance().withObjectNameValueSpacing(Separators.Spacing.AFTER)));

	private ConfigJson() {
	}

	/**
	 * Checks a maximum config size: 1 byte to {@link #MAX_SIZE_LIMIT}.
	 * @param maxSize the size in bytes
	 * @return the size
	 */
	public static long requireValidMaxSize(long maxSize) {
		if (maxSize < 1 || maxSize > MAX_SIZE_LIMIT) {
			throw new IllegalArgumentException(
					"The max config size must be between 1 and " + MAX_SIZE_LIMIT + " bytes, not " + maxSize);
		}
		return maxSize;
	}

	/**
	 * The error for a stored configuration of more than {@code maxSize} bytes, which is not read.
	 * @param what names it, such as {@code Plugin config file /x/y.json}
	 * @param file the file, if any
	 * @param maxSize the limit
	 * @return the error
	 */
	public static PluginConfigException tooLarge(String what, @Nullable Path file, long maxSize) {
		return new PluginConfigException(file,
				what + " is larger than plugins.max-config-size (" + maxSize + " bytes)", null);
	}

	/**
	 * Checks that a configuration holds only what a JSON object can, in a form that reads
	 * back as it is: what {@link #write} and schema validation check first.
	 * @param uniqueId the plugin's unique id, for messages
	 * @param config the configuration
	 * @throws IllegalArgumentException naming the key path of the first value that is not
	 * JSON, never the value
	 */
	public static void requireJson(String uniqueId, Map<String, ?> config) {
		JsonValues.check(uniqueId, config, Long.MAX_VALUE);
	}

	/**
	 * Writes a configuration.
	 * @param uniqueId the plugin's unique id, for messages
	 * @param config the configuration
	 * @param maxSize the most bytes it may take
	 * @return its UTF-8 (ASCII) bytes
	 * @throws IllegalArgumentException naming the key path when it would not load back as it
	 * is, or the plugin when it takes more than {@code maxSize} bytes
	 */
	public static byte[] write(String uniqueId, Map<String, Object> config, long maxSize) {
		JsonValues.check(uniqueId, config, maxSize);
		byte[] bytes = WRITER.writeValueAsBytes(config);
		if (bytes.length > maxSize) {
			throw new IllegalArgumentException("The config of plugin '" + uniqueId + "' takes " + bytes.length
					+ " bytes as JSON, more than plugins.max-config-size (" + maxSize + " bytes)");
		}
		return bytes;
	}

	/**
	 * The revision of a configuration by its content: equal configurations have equal
	 * revisions, so writing the same again is not a change. That is enough for a check
	 * against lost updates: a save that finds the content it read loses nothing.
	 * @param bytes the configuration's stored form
	 * @return 32 hexadecimal digits of its SHA-256
	 */
	static String revisionOf(byte[] bytes) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 16);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java platform has SHA-256", ex);
		}
	}

	/** The revision of a configuration by its content, see {@link #revisionOf(byte[])}. */
	static String revisionOf(Map<String, Object> config) {
		return revisionOf(WRITER.writeValueAsBytes(config));
	}

	/**
	 * Reads a stored configuration.
	 * @param what names it in messages, such as {@code Plugin config file /x/y.json}
	 * @param file the file it was read from, if any
	 * @param bytes what was read
	 * @throws PluginConfigException naming it when it is not UTF-8, not JSON or not an
	 * object; never quoting it
	 * @return the configuration
	 */
	public static Map<String, Object> parse(String what, @Nullable Path file, byte[] bytes) {
		String text;
		try {
			text = StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes))
				.toString();
		}
		catch (CharacterCodingException ex) {
			throw new PluginConfigException(file, what + " is not valid UTF-8", ex);
		}
		if (text.isBlank()) {
			throw new PluginConfigException(file, what + " is empty; expected a JSON object",
					null);
		}
		JsonNode tree;
		try {
			tree = MAPPER.readTree(text);
		}
		catch (JacksonException ex) {
			// The parser's message quotes the offending text, which may be a secret: report
			// where the error is, and leave the parser's exception out of the chain.
			throw new PluginConfigException(file,
					what + " is not valid JSON" + location(ex), null);
		}
		if (tree == null || !tree.isObject()) {
			String kind = (tree != null) ? tree.getNodeType().name().toLowerCase(Locale.ROOT) : "nothing";
			throw new PluginConfigException(file,
					what + " holds " + kind + ", not a JSON object", null);
		}
		@SuppressWarnings("unchecked")
		Map<String, Object> config = MAPPER.convertValue(tree, LinkedHashMap.class);
		return config;
	}

	/**
	 * Reads a configuration sent as JSON text, such as over HTTP, exactly as sent or not at
	 * all: integers keep every digit (up to 4,300, what Python's {@code json} reads), and
	 * other numbers must read back as sent from the double that every JSON reader (this
	 * store's, Python's) reads them as, so a number out of a double's range ({@code 1e400}),
	 * rounded to zero ({@code 1.5e-400}) or with more digits than a double holds
	 * ({@code 0.10000000000000000000001}) is refused, as are NaN and the infinities, which
	 * JSON has not. Such numbers are returned as doubles, as a stored configuration has them.
	 * @param uniqueId the plugin's unique id, for messages
	 * @param text the configuration's JSON text, an object
	 * @return the configuration
	 * @throws PluginConfigValidationException with the one violation found: its JSON Pointer
	 * (empty for the text as a whole) and what is wrong (at which line and column, for text
	 * that is not JSON), never quoting the text
	 */
	public static Map<String, Object> parseSent(String uniqueId, String text) {
		try {
			return ExactJson.read(text);
		}
		catch (ExactJson.Refused ex) {
			throw new PluginConfigValidationException(uniqueId, List.of(new ConfigViolation(ex.path(),
					ex.getMessage())));
		}
	}

	private static String location(JacksonException ex) {
		TokenStreamLocation location = ex.getLocation();
		if (location == null || location.getLineNr() < 1) {
			return "";
		}
		return " (syntax error at line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
	}

}
