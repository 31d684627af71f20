package dev.unifiedplugins.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SchemaWalker}: which subschemas apply where, on schemas generated from
 * records (what plugin authors write) and on hand-written ones for the keywords the
 * generator does not produce.
 */
class SchemaWalkerTests {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	@Test
	void aRecordUsedTwiceIsFollowedThroughItsReferenceInBothPlaces() {
		SchemaWalker hub = SchemaWalker.of(PluginConfigSchemaGenerator.generate(HubConfig.class));
		assertThat(hub.property("primary").property("license").isSecret()).isTrue();
		assertThat(hub.property("fallback").property("license").isSecret()).isTrue();
		assertThat(hub.property("hfKey").isSecret()).isTrue();
		assertThat(hub.property("primary").property("region").isSecret()).isFalse();
		assertThat(hub.property("primary").isSecret()).isFalse();
	}

	@Test
	void aRecursiveRecordIsFollowedAsDeepAsTheConfigurationGoes() {
		SchemaWalker node = SchemaWalker.of(PluginConfigSchemaGenerator.generate(HubConfig.class)).property("tree");
		for (int depth = 0; depth < 50; depth++) {
			assertThat(node.property("pin").isSecret()).isTrue();
			assertThat(node.property("label").isSecret()).isFalse();
			assertThat(node.property("children").item(3).property("pin").isSecret()).isTrue();
			node = node.property("child");
		}
	}

	@Test
	void everyElementOfAnArrayOfRecordsIsFollowed() {
		SchemaWalker pool = SchemaWalker.of(PluginConfigSchemaGenerator.generate(HubConfig.class)).property("pool");
		assertThat(pool.item(0).property("license").isSecret()).isTrue();
		assertThat(pool.item(7).property("license").isSecret()).isTrue();
		assertThat(pool.item(7).property("region").isSecret()).isFalse();
	}

	@Test
	void everyValueOfAMapOfRecordsIsFollowed() {
		SchemaWalker byName = SchemaWalker.of(PluginConfigSchemaGenerator.generate(HubConfig.class)).property("byName");
		assertThat(byName.property("alpha").property("license").isSecret()).isTrue();
		assertThat(byName.property("any name").property("license").isSecret()).isTrue();
		assertThat(byName.property("alpha").property("region").isSecret()).isFalse();
	}

	@Test
	void patternPropertiesApplyToMatchingNamesAndAdditionalPropertiesToTheRest() {
		SchemaWalker headers = SchemaWalker.of(json("""
				{"properties": {"headers": {
				   "patternProperties": {"^x-auth-": {"$ref": "#/$defs/Secret"}},
				   "additionalProperties": {"type": "string"}}},
				 "$defs": {"Secret": {"type": "string", "writeOnly": true}}}
				""")).property("headers");
		assertThat(headers.property("x-auth-token").isSecret()).isTrue();
		assertThat(headers.property("accept").isSecret()).isFalse();
		assertThat(headers.property("accept").subschemas()).containsExactly(Map.of("type", "string"));
		assertThat(headers.property("x-auth-token").subschemas()).noneMatch(Map.of("type", "string")::equals);
	}

	@Test
	void thenAndElseBothMayApply() {
		SchemaWalker schema = SchemaWalker.of(json("""
				{"if": {"properties": {"kind": {"const": "cloud"}}},
				 "then": {"properties": {"token": {"format": "password"}}},
				 "else": {"properties": {"socket": {"$ref": "#/definitions/Hidden"}}},
				 "definitions": {"Hidden": {"writeOnly": true}}}
				"""));
		assertThat(schema.property("token").isSecret()).isTrue();
		assertThat(schema.property("socket").isSecret()).isTrue();
		assertThat(schema.property("kind").isSecret()).isFalse();
		assertThat(schema.property("token").definite()).isEmpty();
	}

	@Test
	void dependentSchemasMayApply() {
		SchemaWalker schema = SchemaWalker.of(json("""
				{"dependentSchemas": {"user": {"properties": {"pass": {"$ref": "#/$defs/Hidden"}}}},
				 "$defs": {"Hidden": {"writeOnly": true}}}
				"""));
		assertThat(schema.property("pass").isSecret()).isTrue();
		assertThat(schema.property("user").isSecret()).isFalse();
	}

	@Test
	void prefixItemsApplyByPositionAndItemsAfterThem() {
		SchemaWalker pair = SchemaWalker.of(json("""
				{"properties": {"login": {
				   "prefixItems": [{"type": "string"}, {"$ref": "#/$defs/Hidden"}],
				   "items": {"type": "integer", "writeOnly": true}}},
				 "$defs": {"Hidden": {"writeOnly": true}}}
				""")).property("login");
		assertThat(pair.item(0).isSecret()).isFalse();
		assertThat(pair.item(1).isSecret()).isTrue();
		assertThat(pair.item(2).isSecret()).isTrue();
	}

	@Test
	void draft7ArrayItemsApplyByPositionAndAdditionalItemsAfterThem() {
		SchemaWalker pair = SchemaWalker.of(json("""
				{"$schema": "http://json-schema.org/draft-07/schema#",
				 "items": [{"type": "string"}, {"writeOnly": true}], "additionalItems": {"format": "password"}}
				"""));
		assertThat(pair.item(0).isSecret()).isFalse();
		assertThat(pair.item(1).isSecret()).isTrue();
		assertThat(pair.item(2).isSecret()).isTrue();
	}

	@Test
	void allOfPartsApplyTogether() {
		SchemaWalker schema = SchemaWalker.of(json("""
				{"properties": {"db": {"allOf": [{"$ref": "#/$defs/Server"},
				   {"properties": {"password": {"type": "string", "writeOnly": true}}}]}},
				 "$defs": {"Server": {"properties": {"host": {"type": "string"}, "key": {"format": "password"}}}}}
				"""));
		SchemaWalker db = schema.property("db");
		assertThat(db.property("password").isSecret()).isTrue();
		assertThat(db.property("key").isSecret()).isTrue();
		assertThat(db.property("host").isSecret()).isFalse();
		assertThat(db.property("host").definite()).containsExactly(Map.of("type", "string"));
	}

	@Test
	void referencesToAnchorsAndEscapedPointersAreFollowed() {
		SchemaWalker schema = SchemaWalker.of(json("""
				{"properties": {
				   "a": {"$ref": "#hidden"},
				   "b": {"$ref": "#/$defs/with~1slash"},
				   "c": {"$ref": "#/$defs/with%20space"}},
				 "$defs": {"Anchored": {"$anchor": "hidden", "writeOnly": true},
				   "with/slash": {"writeOnly": true}, "with space": {"writeOnly": true}}}
				"""));
		assertThat(schema.property("a").isSecret()).isTrue();
		assertThat(schema.property("b").isSecret()).isTrue();
		assertThat(schema.property("c").isSecret()).isTrue();
	}

	@Test
	void referenceLoopsThatNeverReachAValueEnd() {
		SchemaWalker schema = SchemaWalker.of(json("""
				{"$ref": "#", "allOf": [{"$ref": "#/$defs/A"}],
				 "$defs": {"A": {"$ref": "#/$defs/B"}, "B": {"allOf": [{"$ref": "#/$defs/A"}],
				   "properties": {"pin": {"writeOnly": true}}}}}
				"""));
		assertThat(schema.property("pin").isSecret()).isTrue();
		assertThat(schema.property("other").isSecret()).isFalse();
	}

	@Test
	void referencesOutsideTheSchemaAreNotFollowed() {
		SchemaWalker schema = SchemaWalker.of(json("""
				{"properties": {"remote": {"$ref": "https://example.com/schema.json"},
				   "dangling": {"$ref": "#/$defs/Missing"}}}
				"""));
		assertThat(schema.property("remote").subschemas()).hasSize(1);
		assertThat(schema.property("dangling").subschemas()).hasSize(1);
	}

	@Test
	void everySubschemaIsVisitedOnceWithItsPointer() {
		Map<String, Object> schema = json("""
				{"properties": {"a/b": {"items": [{"type": "string"}]}},
				 "$defs": {"X": {"anyOf": [{"not": {"type": "null"}}]}},
				 "default": {"properties": {"not": "a schema"}}, "enum": [{"items": {}}]}
				""");
		List<String> pointers = new ArrayList<>();
		SchemaWalker.forEachSubschema(schema, (pointer, subschema) -> pointers.add(pointer));
		assertThat(pointers).containsExactly("", "/properties/a~1b", "/properties/a~1b/items/0", "/$defs/X",
				"/$defs/X/anyOf/0", "/$defs/X/anyOf/0/not");
	}

	@Test
	void aFormatThatSaysWhereDataGoesMarksADestinationThroughReferencesAndArrays() {
		SchemaWalker schema = SchemaWalker.of(json("""
				{"properties": {"callback": {"type": "string", "format": "uri"},
				   "relay": {"$ref": "#/$defs/Relay"}, "mirrors": {"items": {"format": "hostname"}},
				   "notify": {"allOf": [{"format": "email"}]}, "bind": {"anyOf": [{"format": "ipv4"}, {"format": "ipv6"}]},
				   "created": {"type": "string", "format": "date-time"}, "name": {"type": "string"}},
				 "$defs": {"Relay": {"properties": {"target": {"format": "iri"}}}}}
				"""));
		assertThat(schema.property("callback").isDestination()).isTrue();
		assertThat(schema.property("relay").property("target").isDestination()).isTrue();
		assertThat(schema.property("mirrors").item(2).isDestination()).isTrue();
		assertThat(schema.property("notify").isDestination()).isTrue();
		assertThat(schema.property("bind").isDestination()).isTrue();
		assertThat(schema.property("created").isDestination()).isFalse();
		assertThat(schema.property("name").isDestination()).isFalse();
		assertThat(schema.property("relay").isDestination()).isFalse();
		assertThat(schema.property("mirrors").isDestination()).isFalse();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> json(String json) {
		return MAPPER.readValue(json, LinkedHashMap.class);
	}

}
