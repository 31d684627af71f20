package dev.unifiedplugins.autoconfigure;

import java.beans.PropertyDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.BeanUtils;
import org.springframework.beans.BeanWrapperImpl;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docs/configuration-properties.md} lists every property of the generated
 * configuration metadata, with its default, and nothing else of ours. A map property
 * ({@code plugins.systems}, {@code plugins.categories}) is listed by its entries' keys,
 * such as {@code plugins.systems.<category>.type}: every property of the entry class, and
 * no other.
 */
class ConfigurationPropertiesDocumentationTests {

	private static final Path PAGE = Path.of("..", "docs", "configuration-properties.md");

	/** A table row whose first cell is one property name, its second the default. */
	private static final Pattern ROW = Pattern.compile("^\\|\\s*`([^`]+)`\\s*\\|([^|]*)\\|");

	/** A map entry's key: {@code <prefix>.<placeholder>.<key>}. */
	private static final Pattern MAP_ENTRY = Pattern.compile("^(.+?)\\.<[^>]+>\\.(.+)$");

	private static Map<String, JsonNode> metadata;

	private static Map<String, String> page;

	@BeforeAll
	static void read() throws IOException {
		metadata = new LinkedHashMap<>();
		JsonMapper json = JsonMapper.builder().build();
		for (URL url : Collections.list(ConfigurationPropertiesDocumentationTests.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json"))) {
			try (InputStream in = url.openStream()) {
				json.readTree(in).get("properties").forEach((property) -> {
					String name = property.get("name").asString();
					if (isOurs(name)) {
						metadata.put(name, property);
					}
				});
			}
		}
		page = new LinkedHashMap<>();
		for (String line : Files.readAllLines(PAGE, StandardCharsets.UTF_8)) {
			Matcher row = ROW.matcher(line);
			if (row.find() && isOurs(row.group(1))) {
				assertThat(page.put(row.group(1), row.group(2).trim())).as("%s listed twice", row.group(1)).isNull();
			}
		}
	}

	private static boolean isOurs(String name) {
		return name.startsWith("plugins.") || name.startsWith("management.endpoint.plugins.");
	}

	@Test
	void theMetadataIsReadAndThePageListsProperties() {
		assertThat(metadata).containsKeys("plugins.enabled", "plugins.systems", "management.endpoint.plugins.access");
		assertThat(page).containsKeys("plugins.enabled", "plugins.systems.<category>.type");
	}

	@Test
	void everyPropertyOfTheMetadataIsOnThePage() throws Exception {
		List<String> missing = new ArrayList<>();
		metadata.forEach((name, property) -> {
			Class<?> entry = mapEntryClass(property);
			if (entry == null) {
				if (!page.containsKey(name)) {
					missing.add(name);
				}
				return;
			}
			for (String key : keys(entry)) {
				if (page.keySet().stream().noneMatch((listed) -> isEntryKey(listed, name, key))) {
					missing.add(name + ".<...>." + key);
				}
			}
		});
		assertThat(missing).as("properties missing from %s", PAGE).isEmpty();
	}

	@Test
	void everyPropertyOnThePageExists() {
		List<String> unknown = new ArrayList<>();
		for (String listed : page.keySet()) {
			Matcher entry = MAP_ENTRY.matcher(listed);
			if (entry.matches()) {
				JsonNode map = metadata.get(entry.group(1));
				Class<?> entryClass = (map != null) ? mapEntryClass(map) : null;
				if (entryClass == null || !keys(entryClass).contains(entry.group(2))) {
					unknown.add(listed);
				}
			}
			else if (!metadata.containsKey(listed) || mapEntryClass(metadata.get(listed)) != null) {
				unknown.add(listed);
			}
		}
		assertThat(unknown).as("properties on %s that the metadata does not have", PAGE).isEmpty();
	}

	@Test
	void thePageShowsEachDefault() {
		List<String> wrong = new ArrayList<>();
		page.forEach((listed, shown) -> {
			String actual = defaultOf(listed);
			if (actual == null) {
				// No default in the metadata: computed at run time ("from the JDBC URL") or none.
				return;
			}
			Matcher code = Pattern.compile("`([^`]*)`").matcher(shown);
			if (!code.find() || !same(code.group(1), actual)) {
				wrong.add(listed + ": the page shows '" + shown + "', the default is '" + actual + "'");
			}
		});
		assertThat(wrong).as("defaults on %s", PAGE).isEmpty();
	}

	/**
	 * The default of a listed property: the metadata's, or the entry class's for a map
	 * entry; null for none, and for a property that does not exist (another test says so).
	 */
	private static @Nullable String defaultOf(String listed) {
		Matcher entry = MAP_ENTRY.matcher(listed);
		if (entry.matches()) {
			JsonNode map = metadata.get(entry.group(1));
			Class<?> entryClass = (map != null) ? mapEntryClass(map) : null;
			if (entryClass == null || !keys(entryClass).contains(entry.group(2))) {
				return null;
			}
			Object value = new BeanWrapperImpl(BeanUtils.instantiateClass(entryClass))
				.getPropertyValue(camelCase(entry.group(2)));
			return (value != null) ? value.toString() : null;
		}
		JsonNode property = metadata.get(listed);
		JsonNode value = (property != null) ? property.get("defaultValue") : null;
		return (value == null || value.isNull()) ? null : value.isString() ? value.asString() : value.toString();
	}

	/** Equal as numbers, or as Spring Boot binds names: case and '-' or '_' aside. */
	private static boolean same(String shown, String actual) {
		try {
			return Double.parseDouble(shown) == Double.parseDouble(actual);
		}
		catch (NumberFormatException ex) {
			return normalize(shown).equals(normalize(actual));
		}
	}

	private static String normalize(String value) {
		return value.toLowerCase(Locale.ROOT).replace('_', '-');
	}

	private static boolean isEntryKey(String listed, String map, String key) {
		Matcher entry = MAP_ENTRY.matcher(listed);
		return entry.matches() && entry.group(1).equals(map) && entry.group(2).equals(key);
	}

	/** The class of a map property's values, or null for a property that is no such map. */
	private static @Nullable Class<?> mapEntryClass(JsonNode property) {
		String type = property.path("type").asString("");
		Matcher map = Pattern.compile("^java\\.util\\.Map<java\\.lang\\.String,([\\w.$]+)>$").matcher(type);
		if (!map.matches() || map.group(1).startsWith("java.")) {
			return null;
		}
		try {
			return Class.forName(map.group(1));
		}
		catch (ClassNotFoundException ex) {
			throw new IllegalStateException(type, ex);
		}
	}

	/** The bound keys of an entry class, in kebab case. */
	private static TreeSet<String> keys(Class<?> entryClass) {
		TreeSet<String> keys = new TreeSet<>();
		for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(entryClass)) {
			if (descriptor.getWriteMethod() != null) {
				keys.add(descriptor.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT));
			}
		}
		return keys;
	}

	private static String camelCase(String kebab) {
		StringBuilder name = new StringBuilder();
		for (String part : kebab.split("-")) {
			name.append(name.isEmpty() ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
		}
		return name.toString();
	}

}
