package dev.unifiedplugins.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Tests for {@link PluginConfigSchema}: validation against real schemas, schema checks and
 * defaults.
 */
class PluginConfigSchemaTests {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private static final String SECRET = "hunter2-do-not-log";

	private static final PluginConfigSchema LLM = PluginConfigSchema.of(json("""
			{
			  "$schema": "https://json-schema.org/draft/2020-12/schema",
			  "title": "Llama",
			  "type": "object",
			  "properties": {
			    "device": {"type": "string", "enum": ["cpu", "cuda"], "default": "cpu"},
			    "threads": {"type": "integer", "minimum": 1, "maximum": 64, "default": 4},
			    "temperature": {"type": "number", "exclusiveMinimum": 0, "maximum": 2},
			    "model": {"type": "string", "pattern": "^[a-z0-9-]+$"},
			    "apiKey": {"type": "string", "minLength": 8},
			    "stop": {"type": "array", "items": {"type": "string"}, "maxItems": 2},
			    "server": {
			      "type": "object",
			      "properties": {
			        "host": {"type": "string", "default": "localhost"},
			        "port": {"type": "integer", "minimum": 1, "maximum": 65535, "default": 8080},
			        "tls": {"type": "object", "properties": {"enabled": {"type": "boolean", "default": false}}}
			      },
			      "required": ["host"],
			      "additionalProperties": false
			    }
			  },
			  "required": ["model"],
			  "additionalProperties": false
			}
			"""));

	@Test
	void validConfigIsAccepted() {
		assertThatCode(() -> LLM.validate("llm_llama", json("""
				{"model": "llama-3", "device": "cuda", "threads": 8, "temperature": 0.7, "stop": ["###"],
				 "server": {"host": "gpu-1", "port": 9000, "tls": {"enabled": true}}}
				"""))).doesNotThrowAnyException();
	}

	@Test
	void valueOutsideTheEnumIsAViolation() {
		assertThat(violations(json("{\"model\": \"m\", \"device\": \"tpu\"}"))).singleElement()
			.satisfies((violation) -> {
				assertThat(violation.path()).isEqualTo("/device");
				assertThat(violation.message()).contains("enumeration").contains("cpu").contains("cuda");
			});
	}

	@Test
	void valuesOutsideTheRangeAreViolations() {
		assertThat(violations(json("{\"model\": \"m\", \"threads\": 0, \"temperature\": 0}")))
			.extracting(ConfigViolation::path, ConfigViolation::message)
			.containsExactly(tuple("/threads", "must have a minimum value of 1"),
					tuple("/temperature", "must have an exclusive minimum value of 0"));
		assertThat(violations(json("{\"model\": \"m\", \"threads\": 65}"))).extracting(ConfigViolation::message)
			.containsExactly("must have a maximum value of 64");
	}

	@Test
	void stringNotMatchingThePatternIsAViolation() {
		assertThat(violations(json("{\"model\": \"Llama 3\"}"))).singleElement().satisfies((violation) -> {
			assertThat(violation.path()).isEqualTo("/model");
			assertThat(violation.message()).contains("^[a-z0-9-]+$");
		});
	}

	@Test
	void missingRequiredPropertyIsReportedAtItsOwnPath() {
		assertThat(violations(json("{}"))).containsExactly(
				new ConfigViolation("/model", "required property 'model' not found"));
	}

	@Test
	void wrongTypesAreViolations() {
		assertThat(violations(json("{\"model\": 3, \"threads\": \"many\", \"stop\": \"###\"}")))
			.extracting(ConfigViolation::path, ConfigViolation::message)
			.containsExactlyInAnyOrder(tuple("/model", "integer found, string expected"),
					tuple("/threads", "string found, integer expected"),
					tuple("/stop", "string found, array expected"));
	}

	@Test
	void integralNumberWrittenAsDecimalIsAnInteger() {
		// JSON Schema: 8.0 is an integer; Python's json writes whole floats that way.
		assertThat(violations(json("{\"model\": \"m\", \"threads\": 8.0}"))).isEmpty();
	}

	@Test
	void arrayItemsAndSizeAreChecked() {
		assertThat(violations(json("{\"model\": \"m\", \"stop\": [\"a\", 2, \"c\"]}")))
			.extracting(ConfigViolation::path)
			.containsExactlyInAnyOrder("/stop", "/stop/1");
	}

	@Test
	void nestedObjectsAreCheckedWithTheirPath() {
		assertThat(violations(json("""
				{"model": "m", "server": {"port": 70000, "tls": {"enabled": "yes"}}}
				"""))).extracting(ConfigViolation::path)
			.containsExactlyInAnyOrder("/server/host", "/server/port", "/server/tls/enabled");
	}

	@Test
	void extraPropertiesAreViolationsWhereTheSchemaForbidsThem() {
		assertThat(violations(json("""
				{"model": "m", "colour": "red", "server": {"host": "h", "x/y": 1}}
				""")))
			.extracting(ConfigViolation::path)
			.containsExactlyInAnyOrder("/colour", "/server/x~1y");
	}

	@Test
	void everyViolationIsReportedAtOnce() {
		PluginConfigValidationException ex = assertThatExceptionOfType(PluginConfigValidationException.class)
			.isThrownBy(() -> LLM.validate("llm_llama", json("""
					{"device": "tpu", "threads": 0, "model": "Bad Name", "stop": [1], "extra": true,
					 "server": {"port": "80"}}
					""")))
			.actual();
		assertThat(ex.violations()).extracting(ConfigViolation::path)
			.containsExactlyInAnyOrder("/device", "/threads", "/model", "/stop/0", "/extra", "/server/host",
					"/server/port");
		assertThat(ex.uniqueId()).isEqualTo("llm_llama");
		assertThat(ex).isInstanceOf(IllegalArgumentException.class)
			.hasMessageStartingWith("Configuration of plugin 'llm_llama' does not match its schema (7 violations): ");
		ex.violations()
			.forEach((violation) -> assertThat(ex.getMessage())
				.contains(violation.path() + ": " + violation.message()));
	}

	@Test
	void messagesNeverHoldTheOffendingValues() {
		PluginConfigValidationException ex = assertThatExceptionOfType(PluginConfigValidationException.class)
			.isThrownBy(() -> LLM.validate("llm_llama", json("{\"model\": \"" + SECRET + " \", \"apiKey\": 1234, "
					+ "\"device\": \"" + SECRET + "\", \"stop\": [\"" + SECRET + "\", \"b\", \"c\"], \"" + "server\": "
					+ "{\"host\": \"" + SECRET + "\", \"port\": 123456789}}")))
			.actual();
		assertThat(ex.getMessage()).doesNotContain(SECRET).doesNotContain("1234").doesNotContain("123456789");
		assertThat(ex.violations()).allSatisfy((violation) -> assertThat(violation.message()).doesNotContain(SECRET));
	}

	@Test
	void valueThatJsonCannotHoldIsRefusedBeforeValidation() {
		Map<String, Object> config = new LinkedHashMap<>(json("{\"model\": \"m\"}"));
		config.put("threads", new Object());
		assertThatIllegalArgumentException().isThrownBy(() -> LLM.validate("llm_llama", config))
			.isNotInstanceOf(PluginConfigValidationException.class)
			.withMessageContaining("'threads'");
	}

	@Test
	void emptySchemaAcceptsAnyObject() {
		assertThatCode(() -> PluginConfigSchema.of(Map.of()).validate("x_y", json("{\"a\": [1, {\"b\": null}]}")))
			.doesNotThrowAnyException();
	}

	@Test
	void schemaWithAnUnknownTypeIsInvalid() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> PluginConfigSchema.of(json("{\"type\": \"nonsense\"}")).check())
			.withMessageContaining("metaschema")
			.withMessageContaining("/type");
	}

	@Test
	void schemaWithANonNumericMinimumIsInvalid() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> PluginConfigSchema
				.of(json("{\"properties\": {\"threads\": {\"type\": \"integer\", \"minimum\": \"x\"}}}"))
				.check())
			.withMessageContaining("/properties/threads/minimum");
	}

	@Test
	void schemaWithADanglingReferenceIsInvalid() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> PluginConfigSchema.of(json("{\"properties\": {\"a\": {\"$ref\": \"#/$defs/Missing\"}}}"))
				.check())
			.withMessageContaining("/$defs/Missing");
	}

	@Test
	void schemaWithAnInvalidRegularExpressionIsInvalid() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> PluginConfigSchema
				.of(json("{\"properties\": {\"a\": {\"type\": \"string\", \"pattern\": \"[unclosed\"}}}"))
				.check())
			.withMessageContaining("/properties/a/pattern");
	}

	@Test
	void schemasWithoutReferencesThatPassTheCheckCompileOnFirstUse() {
		// check() leaves these to be compiled on first use: none may fail there instead.
		List<String> schemas = List.of("{\"type\": \"object\"}",
				"{\"properties\": {\"a\": {\"type\": \"string\", \"format\": \"no-such-format\"}}}",
				"{\"properties\": {\"a\": {\"contentEncoding\": \"base64\", \"contentMediaType\": \"x/y\"}}}",
				"{\"$defs\": {\"unused\": {\"type\": \"integer\"}}, \"unevaluatedProperties\": false}",
				"{\"$schema\": \"http://json-schema.org/draft-04/schema#\", \"properties\": {\"a\": "
						+ "{\"minimum\": 1, \"exclusiveMinimum\": true}}}",
				"{\"dependentSchemas\": {\"a\": {\"required\": [\"b\"]}}, \"if\": {\"required\": [\"c\"]}, "
						+ "\"then\": {\"required\": [\"d\"]}, \"x-vendor\": {\"anything\": [1, 2]}}");
		for (String schema : schemas) {
			PluginConfigSchema checked = PluginConfigSchema.of(json(schema)).check();
			assertThatNoException().as(schema).isThrownBy(() -> checked.validate("stt_whisper", Map.of()));
		}
	}

	@Test
	void whatOnlyCompilingFindsIsFoundByTheCheck() {
		// Draft 4's metaschema leaves patternProperties' keys unchecked.
		assertThatIllegalArgumentException()
			.isThrownBy(() -> PluginConfigSchema.of(json("{\"$schema\": \"http://json-schema.org/draft-04/schema#\", "
					+ "\"patternProperties\": {\"(\": {}}}")).check());
		assertThatIllegalArgumentException()
			.isThrownBy(() -> PluginConfigSchema
				.of(json("{\"properties\": {\"a\": {\"$schema\": \"https://example.invalid/no-such-dialect\"}}}"))
				.check());
	}

	@Test
	void identifiersAreResolvedByTheCheck() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> PluginConfigSchema
				.of(json("{\"$id\": \"relative/path.json\", \"properties\": {\"a\": {\"$anchor\": \"a\"}}}"))
				.check())
			.withMessageContaining("relative/path.json");
		assertThatNoException().isThrownBy(() -> PluginConfigSchema
			.of(json("{\"$id\": \"urn:example:plugin\", \"$anchor\": \"top\", \"type\": \"object\"}"))
			.check()
			.validate("stt_whisper", Map.of()));
	}

	@Test
	void remoteReferencesAreNotFetched() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> PluginConfigSchema
				.of(json("{\"properties\": {\"a\": {\"$ref\": \"https://schemas.example.invalid/a.json\"}}}"))
				.check())
			.withMessageContaining("https://schemas.example.invalid/a.json");
	}

	@Test
	void unsupportedDialectIsInvalid() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> PluginConfigSchema.of(json("{\"$schema\": \"https://example.com/my-dialect\"}")).check())
			.withMessageContaining("https://example.com/my-dialect")
			.withMessageContaining("https://json-schema.org/draft/2020-12/schema");
	}

	@Test
	void draft7SchemasAreCheckedAndValidatedAsDraft7() {
		PluginConfigSchema draft7 = PluginConfigSchema.of(json("""
				{"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
				 "properties": {"n": {"type": "integer", "exclusiveMinimum": 0}}}
				"""));
		assertThatCode(draft7::check).doesNotThrowAnyException();
		assertThatExceptionOfType(PluginConfigValidationException.class)
			.isThrownBy(() -> draft7.validate("a_b", json("{\"n\": 0}")));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> PluginConfigSchema
				.of(json("{\"$schema\": \"http://json-schema.org/draft-07/schema#\", \"exclusiveMinimum\": true}"))
				.check());
	}

	@Test
	void validatingWithAnInvalidSchemaNamesThePlugin() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> PluginConfigSchema.of(json("{\"type\": \"nonsense\"}")).validate("llm_broken", Map.of()))
			.isNotInstanceOf(PluginConfigValidationException.class)
			.withMessageStartingWith("Plugin 'llm_broken' has an invalid config schema: ");
	}

	@Test
	void defaultsIncludeNestedObjects() {
		assertThat(LLM.defaults()).isEqualTo(json("""
				{"device": "cpu", "threads": 4,
				 "server": {"host": "localhost", "port": 8080, "tls": {"enabled": false}}}
				"""));
	}

	@Test
	void defaultsFollowReferencesAndAllOf() {
		PluginConfigSchema schema = PluginConfigSchema.of(json("""
				{"type": "object",
				 "properties": {
				   "primary": {"$ref": "#/$defs/Endpoint"},
				   "backup": {"allOf": [{"$ref": "#/$defs/Endpoint"}, {"properties": {"weight": {"default": 1}}}]},
				   "tree": {"$ref": "#/$defs/Node"}
				 },
				 "$defs": {
				   "Endpoint": {"type": "object", "properties": {"port": {"type": "integer", "default": 80}}},
				   "Node": {"type": "object", "properties": {"child": {"$ref": "#/$defs/Node"}, "size": {"default": 2}}}
				 }}
				"""));
		Map<String, Object> defaults = schema.defaults();
		assertThat(defaults).containsEntry("primary", Map.of("port", 80))
			.containsEntry("backup", Map.of("port", 80, "weight", 1));
		// A recursive type gets its own defaults, not a default child of a default child...
		assertThat(defaults).containsEntry("tree", Map.of("size", 2));
	}

	@Test
	void defaultsBehindReferencesAreFilledLikeDirectOnes() {
		PluginConfigSchema schema = PluginConfigSchema.of(json("""
				{"properties": {
				   "port": {"$ref": "#/$defs/Port"},
				   "adminPort": {"$ref": "#/$defs/Port", "default": 9090},
				   "proxyPort": {"$ref": "#/definitions/ProxyPort"}
				 },
				 "$defs": {"Port": {"type": "integer", "default": 80}},
				 "definitions": {"ProxyPort": {"$ref": "#/$defs/Port", "default": 3128}}}
				"""));
		assertThat(schema.defaults()).isEqualTo(json("{\"port\": 80, \"adminPort\": 9090, \"proxyPort\": 3128}"));
	}

	@Test
	void defaultsOfSubschemasThatMayNotApplyAreLeftOut() {
		PluginConfigSchema schema = PluginConfigSchema.of(json("""
				{"properties": {"mode": {"default": "local"}},
				 "anyOf": [{"properties": {"region": {"default": "eu"}}}],
				 "if": {"properties": {"mode": {"const": "cloud"}}},
				 "then": {"properties": {"gpus": {"default": 1}}},
				 "dependentSchemas": {"mode": {"properties": {"threads": {"default": 4}}}}}
				"""));
		assertThat(schema.defaults()).isEqualTo(json("{\"mode\": \"local\"}"));
	}

	@Test
	void aSchemaHoldingItselfGetsNoDefaultCopyOfItself() {
		PluginConfigSchema schema = PluginConfigSchema.of(json("""
				{"properties": {"mode": {"default": "local"}, "parent": {"$ref": "#"}}}
				"""));
		assertThat(schema.defaults()).isEqualTo(json("{\"mode\": \"local\"}"));
	}

	@Test
	void explicitObjectDefaultIsLaidOverItsPropertiesDefaults() {
		PluginConfigSchema schema = PluginConfigSchema.of(json("""
				{"properties": {"server": {"default": {"port": 9000},
				  "properties": {"host": {"default": "localhost"}, "port": {"default": 8080}}}}}
				"""));
		assertThat(schema.defaults()).isEqualTo(json("{\"server\": {\"host\": \"localhost\", \"port\": 9000}}"));
	}

	@Test
	void withDefaultsLaysSavedValuesOverDefaults() {
		Map<String, Object> merged = LLM.withDefaults(json("""
				{"model": "m", "threads": 16, "stop": ["a"], "server": {"port": 9000, "tls": null}}
				"""));
		assertThat(merged).isEqualTo(json("""
				{"device": "cpu", "threads": 16,
				 "server": {"host": "localhost", "port": 9000, "tls": null}, "model": "m", "stop": ["a"]}
				"""));
		assertThat(merged).isUnmodifiable();
	}

	@Test
	void schemaWithoutDefaultsHasNone() {
		assertThat(PluginConfigSchema.of(json("{\"properties\": {\"a\": {\"type\": \"string\"}}}")).defaults())
			.isEmpty();
	}

	@Test
	void whisperDefaultsComeFromTheGeneratedSchema() {
		PluginConfigSchema whisper = PluginConfigSchema.of(PluginConfigSchemaGenerator.generate(WhisperConfig.class));
		assertThat(whisper.defaults()).isEqualTo(json("""
				{"device": "cpu", "beamSize": 5, "temperature": 0.0,
				 "decoding": {"timestamps": true, "chunkSeconds": 30}}
				"""));
	}

	@Test
	void schemasAlikeButForTheirTextsAreEachChecked() {
		PluginConfigSchema.of(json("{\"title\": \"A\", \"properties\": {\"title\": {\"type\": \"string\"}}}")).check();
		assertThatIllegalArgumentException().isThrownBy(() -> PluginConfigSchema
			.of(json("{\"title\": \"C\", \"properties\": {\"title\": {\"type\": \"nonsense\"}}}"))
			.check()).withMessageContaining("/properties/title/type");
		assertThatIllegalArgumentException().isThrownBy(() -> PluginConfigSchema
			.of(json("{\"title\": 7, \"properties\": {\"title\": {\"type\": \"string\"}}}"))
			.check()).withMessageContaining("/title");
		// Drafts 4 to 7 require enum items to be unique.
		String draft7 = "{\"$schema\": \"http://json-schema.org/draft-07/schema#\", \"enum\": ";
		PluginConfigSchema.of(json(draft7 + "[{\"title\": \"a\"}, {\"title\": \"b\"}]}")).check();
		assertThatIllegalArgumentException()
			.isThrownBy(() -> PluginConfigSchema.of(json(draft7 + "[{\"title\": \"a\"}, {\"title\": \"a\"}]}"))
				.check())
			.withMessageContaining("/enum");
	}

	private static List<ConfigViolation> violations(Map<String, Object> config) {
		try {
			LLM.validate("llm_llama", config);
			return List.of();
		}
		catch (PluginConfigValidationException ex) {
			return ex.violations();
		}
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> json(String json) {
		return MAPPER.readValue(json, LinkedHashMap.class);
	}

	@Test
	void undeclaredPathsNameTheKeysAGeneratedSchemaDoesNotKnowAtAnyDepth() {
		PluginConfigSchema whisper = PluginConfigSchema.of(PluginConfigSchemaGenerator.generate(WhisperConfig.class));
		// The generated schema takes other keys, so a misspelt one passes validation...
		Map<String, Object> config = json("""
				{"model": "small", "beemSize": 3, "decoding": {"timestamps": false, "chunkSecs": 10}}
				""");
		assertThatNoException().isThrownBy(() -> whisper.validate("stt_whisper", config));
		// ...and is named here, nested ones by their full path, declared ones never.
		assertThat(whisper.undeclaredPaths(config)).containsExactly("/beemSize", "/decoding/chunkSecs");
		assertThat(whisper.undeclaredPaths(json("""
				{"model": "small", "beamSize": 3, "decoding": {"chunkSeconds": 10}}
				"""))).isEmpty();
	}

	@Test
	void keysTheSchemaTakesOnPurposeAreNotUndeclared() {
		Map<String, Object> config = json("""
				{"model": "small", "x-team": "speech", "labels": {"any": "thing"}, "extra": 1}
				""");
		// Names matched by a pattern, or taken by additionalProperties, are declared.
		PluginConfigSchema patterned = PluginConfigSchema.of(json("""
				{"type": "object", "properties": {"model": {"type": "string"},
				   "labels": {"type": "object", "additionalProperties": {"type": "string"}}},
				 "patternProperties": {"^x-": {"type": "string"}}, "additionalProperties": true}
				"""));
		assertThat(patterned.undeclaredPaths(config)).isEmpty();
		// A free-form object declares nothing, so nothing in it is undeclared.
		assertThat(PluginConfigSchema.of(Map.of()).undeclaredPaths(config)).isEmpty();
		assertThat(PluginConfigSchema.of(json("""
				{"type": "object", "properties": {"model": {"type": "string"}}, "patternProperties": {"^x-": {}}}
				""")).undeclaredPaths(config)).containsExactly("/labels", "/extra");
		// Properties declared through a reference and allOf count as declared.
		assertThat(PluginConfigSchema.of(json("""
				{"$defs": {"base": {"properties": {"model": {}, "labels": {}}}},
				 "allOf": [{"$ref": "#/$defs/base"}, {"properties": {"x-team": {}, "extra": {}}}]}
				""")).undeclaredPaths(config)).isEmpty();
	}

}
