package dev.unifiedplugins.config;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonPointer;

/**
 * A configuration's JSON Schema walked alongside the configuration: the subschemas that
 * apply at one location. Start with {@link #of(Map)}, then step to a property's value with
 * {@link #property(String)} or to an element with {@link #item(int)}.
 * <p>
 * Follows local references ({@code "$ref": "#/$defs/Name"} or any JSON Pointer into the
 * schema, and {@code $anchor}s), {@code allOf}, {@code anyOf}, {@code oneOf}, {@code if},
 * {@code then}, {@code else}, {@code dependentSchemas}, {@code properties},
 * {@code patternProperties}, {@code additionalProperties}, {@code prefixItems},
 * {@code items} and their kin, in drafts 4 to 2020-12. Other documents are never fetched.
 * A type that holds itself is followed one step at a time, so a walk ends with the
 * configuration it goes along. Immutable and thread-safe.
 */
public final class SchemaWalker {

	/** Keywords whose value is a subschema or an array of subschemas. */
	private static final Set<String> SUBSCHEMAS = Set.of("allOf", "anyOf", "oneOf", "not", "if", "then", "else",
			"prefixItems", "items", "additionalItems", "contains", "unevaluatedItems", "additionalProperties",
			"unevaluatedProperties", "propertyNames");

	/** Keywords whose value is an object of subschemas. */
	private static final Set<String> NAMED_SUBSCHEMAS = Set.of("$defs", "definitions", "properties",
			"patternProperties", "dependentSchemas", "dependencies");

	/**
	 * Keywords applying subschemas in place that may or may not apply, depending on the
	 * configuration. {@code not} is left out: what a subschema under it says never applies.
	 */
	private static final List<String> CONDITIONAL_IN_PLACE = List.of("anyOf", "oneOf", "if", "then", "else",
			"dependentSchemas", "dependencies");

	/** String formats that say where data goes. */
	private static final Set<String> DESTINATION_FORMATS = Set.of("uri", "hostname", "email", "ipv4", "ipv6", "iri",
			"idn-hostname", "idn-email");

	private final Map<String, Object> root;

	private final List<Applied> applied;

	private SchemaWalker(Map<String, Object> root, List<Applied> entries) {
		this.root = root;
		List<Applied> expanded = new ArrayList<>();
		Map<Map<?, ?>, Integer> seen = new IdentityHashMap<>();
		for (Applied entry : entries) {
			expand(entry, expanded, seen);
		}
		this.applied = List.copyOf(expanded);
	}

	/**
	 * Walks a schema from the root of a configuration.
	 * @param schema a JSON Schema as maps, lists and scalars; empty for none
	 * @return the subschemas that apply to the configuration as a whole
	 */
	public static SchemaWalker of(Map<String, ?> schema) {
		Map<String, Object> root = castMap(Objects.requireNonNull(schema, "schema must not be null"));
		return at(root, root);
	}

	/** Walks a schema from one of its subschemas, resolving references against the root. */
	static SchemaWalker at(Map<String, Object> root, Map<String, Object> subschema) {
		// The root is a type of its own: a "$ref": "#" below it is the type inside itself.
		return new SchemaWalker(root, List.of(new Applied(subschema, false, false, new Refs(root, null))));
	}

	/**
	 * Steps to the value of a property of the object at this location.
	 * @param name the property's name
	 * @return the subschemas that apply to the property's value
	 */
	public SchemaWalker property(String name) {
		Objects.requireNonNull(name, "name must not be null");
		List<Applied> entries = new ArrayList<>();
		boolean evaluated = false;
		for (Applied applied : this.applied) {
			Map<String, Object> schema = applied.schema();
			boolean matched = false;
			if (schema.get("properties") instanceof Map<?, ?> properties && properties.containsKey(name)) {
				matched = true;
				add(entries, applied, properties.get(name), false);
			}
			if (schema.get("patternProperties") instanceof Map<?, ?> patterns) {
				for (Map.Entry<?, ?> pattern : patterns.entrySet()) {
					Boolean found = find(pattern.getKey(), name);
					if (found == null || found) {
						matched |= found != null;
						add(entries, applied, pattern.getValue(), found == null);
					}
				}
			}
			if (!matched) {
				add(entries, applied, schema.get("additionalProperties"), false);
			}
			evaluated |= matched || schema.containsKey("additionalProperties");
		}
		if (!evaluated) {
			// Which subschemas evaluate a property depends on which ones the configuration
			// matches: unevaluatedProperties only may apply.
			this.applied.forEach(
					(applied) -> add(entries, applied, applied.schema().get("unevaluatedProperties"), true));
		}
		return new SchemaWalker(this.root, entries);
	}

	/**
	 * Whether the schema here expects a property by this name: a subschema names it in
	 * {@code properties}, matches it in {@code patternProperties}, or takes other
	 * properties ({@code additionalProperties} or {@code unevaluatedProperties}, unless
	 * {@code false}); or no subschema declares any property, as in a free-form object.
	 * @param name the property's name
	 * @return false for a name the schema does not know, such as a misspelt one
	 */
	public boolean declares(String name) {
		Objects.requireNonNull(name, "name must not be null");
		boolean declaresAny = false;
		for (Applied applied : this.applied) {
			Map<String, Object> schema = applied.schema();
			if (schema.get("properties") instanceof Map<?, ?> properties) {
				declaresAny = true;
				if (properties.containsKey(name)) {
					return true;
				}
			}
			if (schema.get("patternProperties") instanceof Map<?, ?> patterns) {
				declaresAny = true;
				for (Object pattern : patterns.keySet()) {
					Boolean found = find(pattern, name);
					if (found == null || found) {
						return true;
					}
				}
			}
			if (takesOthers(schema.get("additionalProperties")) || takesOthers(schema.get("unevaluatedProperties"))) {
				return true;
			}
		}
		return !declaresAny;
	}

	private static boolean takesOthers(@Nullable Object subschema) {
		return subschema != null && !Boolean.FALSE.equals(subschema);
	}

	/**
	 * Steps to an element of the array at this location.
	 * @param index the element's index, from 0
	 * @return the subschemas that apply to the element
	 */
	public SchemaWalker item(int index) {
		if (index < 0) {
			throw new IllegalArgumentException("index must not be negative");
		}
		List<Applied> entries = new ArrayList<>();
		boolean evaluated = false;
		for (Applied applied : this.applied) {
			Map<String, Object> schema = applied.schema();
			// Draft 2020-12: prefixItems, then items. Earlier drafts: items as an array,
			// then additionalItems.
			boolean prefixed = schema.get("prefixItems") instanceof List;
			Object tuple = prefixed ? schema.get("prefixItems") : schema.get("items");
			Object rest = prefixed ? schema.get("items")
					: (tuple instanceof List) ? schema.get("additionalItems") : schema.get("items");
			if (tuple instanceof List<?> list && index < list.size()) {
				evaluated = true;
				add(entries, applied, list.get(index), false);
			}
			else if (rest != null) {
				evaluated = true;
				add(entries, applied, rest, false);
			}
			add(entries, applied, schema.get("contains"), true);
		}
		if (!evaluated) {
			this.applied.forEach((applied) -> add(entries, applied, applied.schema().get("unevaluatedItems"), true));
		}
		return new SchemaWalker(this.root, entries);
	}

	/**
	 * Whether a subschema that may apply here marks the value as secret:
	 * {@code "writeOnly": true} or {@code "format": "password"}.
	 * @return true when the value must not be shown
	 */
	public boolean isSecret() {
		for (Applied applied : this.applied) {
			Map<String, Object> schema = applied.schema();
			if (Boolean.TRUE.equals(schema.get("writeOnly")) || "password".equals(schema.get("format"))) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether a subschema that may apply here gives the value a format that says where
	 * data goes: {@code uri}, {@code hostname}, {@code email}, {@code ipv4}, {@code ipv6},
	 * or their international forms {@code iri}, {@code idn-hostname}, {@code idn-email}.
	 * @return true when a change of the value sends data elsewhere
	 */
	public boolean isDestination() {
		for (Applied applied : this.applied) {
			if (applied.schema().get("format") instanceof String format && DESTINATION_FORMATS.contains(format)) {
				return true;
			}
		}
		return false;
	}

	/** Every subschema that may apply here, each reference target after its reference. */
	List<Map<String, Object>> subschemas() {
		return this.applied.stream().map(Applied::schema).toList();
	}

	/**
	 * The subschemas that apply here whatever the configuration holds, each reference
	 * target after its reference. A type met again inside itself is left out, so that a
	 * walk of these alone, without a configuration, ends.
	 */
	List<Map<String, Object>> definite() {
		return this.applied.stream()
			.filter((applied) -> !applied.conditional() && !applied.recursive())
			.map(Applied::schema)
			.toList();
	}

	/**
	 * Visits a schema and every subschema in it, each before those inside it, with its
	 * JSON Pointer into the schema ({@code ""} for the root). The action may change the
	 * subschema it is given, except for the keywords that hold subschemas.
	 */
	static void forEachSubschema(Map<String, Object> schema, BiConsumer<String, Map<String, Object>> action) {
		visit(schema, JsonPointer.empty(), action);
	}

	private static void visit(Map<String, Object> schema, JsonPointer pointer,
			BiConsumer<String, Map<String, Object>> action) {
		action.accept(pointer.toString(), schema);
		schema.forEach((keyword, value) -> {
			JsonPointer at = pointer.appendProperty(keyword);
			if (NAMED_SUBSCHEMAS.contains(keyword) && value instanceof Map<?, ?> named) {
				named.forEach((name, subschema) -> {
					if (subschema instanceof Map<?, ?> map) {
						visit(castMap(map), at.appendProperty(String.valueOf(name)), action);
					}
				});
			}
			else if (SUBSCHEMAS.contains(keyword) && value instanceof Map<?, ?> map) {
				visit(castMap(map), at, action);
			}
			else if (SUBSCHEMAS.contains(keyword) && value instanceof List<?> list) {
				for (int i = 0; i < list.size(); i++) {
					if (list.get(i) instanceof Map<?, ?> map) {
						visit(castMap(map), at.appendIndex(i), action);
					}
				}
			}
		});
	}

	/**
	 * Adds a subschema and every subschema it applies in place. Each subschema is added
	 * once per way of applying (definite or not, inside its own type or not), which ends
	 * reference loops that do not step into the configuration ({@code "$ref": "#"}).
	 */
	private void expand(Applied applied, List<Applied> expanded, Map<Map<?, ?>, Integer> seen) {
		int way = 1 << ((applied.conditional() ? 1 : 0) | (applied.recursive() ? 2 : 0));
		int ways = seen.getOrDefault(applied.schema(), 0);
		if ((ways & way) != 0) {
			return;
		}
		seen.put(applied.schema(), ways | way);
		expanded.add(applied);
		Map<String, Object> schema = applied.schema();
		if (schema.get("$ref") instanceof String ref) {
			Map<String, Object> target = resolve(ref);
			if (target != null) {
				boolean cycle = applied.refs().contains(target);
				expand(new Applied(target, applied.conditional(), applied.recursive() || cycle,
						cycle ? applied.refs() : new Refs(target, applied.refs())), expanded, seen);
			}
		}
		if (schema.get("allOf") instanceof List<?> all) {
			all.forEach((subschema) -> expandChild(applied, subschema, false, expanded, seen));
		}
		for (String keyword : CONDITIONAL_IN_PLACE) {
			Object value = schema.get(keyword);
			if (value instanceof List<?> list) {
				list.forEach((subschema) -> expandChild(applied, subschema, true, expanded, seen));
			}
			else if (value instanceof Map<?, ?> map && NAMED_SUBSCHEMAS.contains(keyword)) {
				map.values().forEach((subschema) -> expandChild(applied, subschema, true, expanded, seen));
			}
			else {
				expandChild(applied, value, true, expanded, seen);
			}
		}
	}

	private void expandChild(Applied parent, @Nullable Object subschema, boolean conditional, List<Applied> expanded,
			Map<Map<?, ?>, Integer> seen) {
		if (subschema instanceof Map<?, ?> map) {
			expand(new Applied(castMap(map), parent.conditional() || conditional, parent.recursive(), parent.refs()),
					expanded, seen);
		}
	}

	/** Adds the subschema a parent gives a property or an element; true and false are not maps. */
	private static void add(List<Applied> entries, Applied parent, @Nullable Object subschema, boolean conditional) {
		if (subschema instanceof Map<?, ?> map) {
			entries.add(new Applied(castMap(map), parent.conditional() || conditional, parent.recursive(),
					parent.refs()));
		}
	}

	/**
	 * Whether a {@code patternProperties} pattern matches a name, or null when Java cannot
	 * read the pattern: it may then match.
	 */
	private static @Nullable Boolean find(Object pattern, String name) {
		try {
			return Pattern.compile(String.valueOf(pattern)).matcher(name).find();
		}
		catch (PatternSyntaxException ex) {
			return null;
		}
	}

	/** The target of a reference within this schema, or null. */
	private @Nullable Map<String, Object> resolve(String ref) {
		if (!ref.startsWith("#")) {
			return null;
		}
		String fragment = decode(ref.substring(1));
		if (!fragment.isEmpty() && !fragment.startsWith("/")) {
			return anchor(fragment);
		}
		JsonPointer pointer;
		try {
			pointer = JsonPointer.compile(fragment);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
		Object current = this.root;
		for (; !pointer.matches(); pointer = pointer.tail()) {
			if (current instanceof Map<?, ?> map) {
				current = map.get(pointer.getMatchingProperty());
			}
			else if (current instanceof List<?> list && pointer.getMatchingIndex() >= 0
					&& pointer.getMatchingIndex() < list.size()) {
				current = list.get(pointer.getMatchingIndex());
			}
			else {
				return null;
			}
		}
		return (current instanceof Map<?, ?> map) ? castMap(map) : null;
	}

	/** The subschema named by {@code $anchor} (or, before draft 2019-09, a {@code $id} of {@code #name}). */
	private @Nullable Map<String, Object> anchor(String name) {
		List<Map<String, Object>> found = new ArrayList<>(1);
		forEachSubschema(this.root, (pointer, schema) -> {
			if (found.isEmpty() && (name.equals(schema.get("$anchor")) || ("#" + name).equals(schema.get("$id"))
					|| ("#" + name).equals(schema.get("id")))) {
				found.add(schema);
			}
		});
		return found.isEmpty() ? null : found.get(0);
	}

	/** A URI fragment is percent-encoded; a plus sign in it is a plus sign. */
	private static String decode(String fragment) {
		if (fragment.indexOf('%') < 0) {
			return fragment;
		}
		try {
			return URLDecoder.decode(fragment.replace("+", "%2B"), StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			return fragment;
		}
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> castMap(Map<?, ?> map) {
		return (Map<String, Object>) map;
	}

	/**
	 * A subschema that applies at a location.
	 * @param conditional whether it applies only to some configurations
	 * @param recursive whether it was reached through a reference to a type it is inside
	 * @param refs the reference targets followed to reach it, the cycle guard
	 */
	private record Applied(Map<String, Object> schema, boolean conditional, boolean recursive, Refs refs) {
	}

	/** Reference targets followed, innermost first. */
	private record Refs(Map<?, ?> target, @Nullable Refs outer) {

		boolean contains(Map<?, ?> target) {
			for (Refs at = this; at != null; at = at.outer()) {
				if (at.target() == target) {
					return true;
				}
			}
			return false;
		}

	}

}
