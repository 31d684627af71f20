package dev.unifiedplugins.config;

import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Schemas are compared by shape only where their metaschemas cannot tell them apart.
 */
class SchemaShapeTests {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	@Test
	void schemasThatDifferOnlyInTextsHaveOneShape() {
		SchemaShape one = shape("{\"title\": \"A\", \"description\": \"first\", \"properties\": "
				+ "{\"model\": {\"type\": \"string\", \"title\": \"Model\", \"$comment\": \"x\"}}}");
		SchemaShape other = shape("{\"properties\": {\"model\": {\"$comment\": \"y\", \"title\": \"Modell\", "
				+ "\"type\": \"string\"}}, \"description\": \"second\", \"title\": \"B\"}");
		assertThat(one).isEqualTo(other).hasSameHashCodeAs(other);
	}

	@Test
	void anythingElseMakesAnotherShape() {
		SchemaShape base = shape("{\"title\": \"A\", \"properties\": {\"title\": {\"type\": \"string\"}}}");
		assertThat(base).isNotEqualTo(shape("{\"title\": 7, \"properties\": {\"title\": {\"type\": \"string\"}}}"))
			.isNotEqualTo(shape("{\"title\": \"A\", \"properties\": {\"title\": {\"type\": \"integer\"}}}"))
			.isNotEqualTo(shape("{\"title\": \"A\", \"properties\": {\"title\": \"string\"}}"))
			.isNotEqualTo(shape("{\"title\": \"A\", \"properties\": {\"name\": {\"type\": \"string\"}}}"))
			.isNotEqualTo(shape("{\"title\": \"A\", \"properties\": {\"title\": {\"type\": \"string\"}}, "
					+ "\"default\": {}}"));
	}

	@Test
	void referencesAndIdentifiersAreSeenAtAnyDepth() {
		assertThat(shape("{\"properties\": {\"a\": {\"$ref\": \"#/$defs/A\"}}}").resolvesOnCompile()).isTrue();
		assertThat(shape("{\"$defs\": {\"A\": {\"$anchor\": \"a\"}}}").resolvesOnCompile()).isTrue();
		assertThat(shape("{\"allOf\": [{\"$id\": \"urn:a\"}]}").resolvesOnCompile()).isTrue();
		assertThat(shape("{\"properties\": {\"a\": {\"type\": \"string\"}}}").resolvesOnCompile()).isFalse();
	}

	@Test
	void aSchemaShapedLikeAValidOneIsStillCheckedWhereTheShapesDiffer() {
		PluginConfigSchema.of(json("{\"title\": \"A\", \"properties\": {\"title\": {\"type\": \"string\"}}}")).check();
		PluginConfigSchema.of(json("{\"title\": \"B\", \"properties\": {\"title\": {\"type\": \"string\"}}}")).check();
		assertThatIllegalArgumentException().isThrownBy(() -> PluginConfigSchema
			.of(json("{\"title\": \"C\", \"properties\": {\"title\": {\"type\": \"nonsense\"}}}"))
			.check()).withMessageContaining("/properties/title/type");
		assertThatIllegalArgumentException().isThrownBy(() -> PluginConfigSchema
			.of(json("{\"title\": 7, \"properties\": {\"title\": {\"type\": \"string\"}}}"))
			.check()).withMessageContaining("/title");
		assertThatIllegalArgumentException().isThrownBy(() -> PluginConfigSchema
			.of(json("{\"title\": \"D\", \"properties\": {\"title\": \"string\"}}"))
			.check()).withMessageContaining("/properties/title");
	}

	@Test
	void textsInsideInstanceValuesAreCompared() {
		// Drafts 4 to 7 require enum items to be unique.
		String draft7 = "{\"$schema\": \"http://json-schema.org/draft-07/schema#\", \"enum\": ";
		assertThat(shape(draft7 + "[{\"title\": \"a\"}, {\"title\": \"b\"}]}"))
			.isNotEqualTo(shape(draft7 + "[{\"title\": \"a\"}, {\"title\": \"a\"}]}"));
		PluginConfigSchema.of(json(draft7 + "[{\"title\": \"a\"}, {\"title\": \"b\"}]}")).check();
		assertThatIllegalArgumentException()
			.isThrownBy(() -> PluginConfigSchema.of(json(draft7 + "[{\"title\": \"a\"}, {\"title\": \"a\"}]}"))
				.check())
			.withMessageContaining("/enum");
		assertThat(shape("{\"default\": {\"title\": \"a\"}}")).isNotEqualTo(shape("{\"default\": {\"title\": \"b\"}}"));
		assertThat(shape("{\"const\": {\"description\": \"a\"}}"))
			.isNotEqualTo(shape("{\"const\": {\"description\": \"b\"}}"));
	}

	@Test
	void whatCompilingChecksBeyondTheMetaschemaMakesTheSchemaCompileEarly() {
		assertThat(shape("{\"patternProperties\": {\"^a\": {}}}").resolvesOnCompile()).isTrue();
		assertThat(shape("{\"properties\": {\"a\": {\"$schema\": \"urn:x\"}}}").resolvesOnCompile()).isTrue();
		assertThat(shape("{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\"}").resolvesOnCompile())
			.isFalse();
	}

	private static SchemaShape shape(String schema) {
		return new SchemaShape(json(schema));
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> json(String text) {
		return MAPPER.readValue(text, Map.class);
	}

}
