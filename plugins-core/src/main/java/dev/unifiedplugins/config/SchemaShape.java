package dev.unifiedplugins.config;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * A schema with the text of its {@code title}, {@code description} and {@code $comment}
 * left out: two schemas of the same shape both match their metaschema or both do not.
 * <p>
 * Every supported draft's metaschema requires only that those keywords be strings. The
 * same key names inside instance values ({@code enum}, {@code const}, {@code default},
 * {@code examples}) are compared exactly: drafts 4 to 7 require {@code enum} items to be
 * unique. Only string values are left out, so a non-string {@code title} still tells
 * shapes apart. Plugins generated from one template differ only in such texts, and
 * checking one of them against the metaschema then answers for all.
 * <p>
 * A shape also tells whether compiling the schema can fail although it matches its
 * metaschema: with references or identifiers ({@code $ref}, {@code $id}, {@code $anchor}
 * and their kin) that compiling resolves, {@code patternProperties} (draft 4's metaschema
 * does not check that its keys are regular expressions), or a {@code $schema} below the
 * root (a dialect per subschema).
 */
final class SchemaShape {

	/** Bounded: known shapes keep their schemas reachable. */
	private static final int MAX_KNOWN_VALID = 1024;

	private static final Set<SchemaShape> knownValid = ConcurrentHashMap.newKeySet();

	private final Map<String, Object> schema;

	/** Set while hashing, which walks the whole schema anyway. */
	private boolean resolvesOnCompile;

	/** Whether the schema holds only JSON values; set while hashing. */
	private boolean plainJson = true;

	private final int hash;

	SchemaShape(Map<String, Object> schema) {
		this.schema = schema;
		this.hash = hash(schema, false, 0);
	}

	/**
	 * Whether compiling the schema resolves or checks more than its metaschema does, so
	 * that it may fail on a schema that matches the metaschema.
	 */
	boolean resolvesOnCompile() {
		return this.resolvesOnCompile;
	}

	/** Whether a schema of this shape has matched its metaschema. */
	boolean isKnownValid() {
		return knownValid.contains(this);
	}

	/**
	 * Records that this shape matched its metaschema. Schemas holding other objects than
	 * JSON values are not kept, so that no application class stays reachable from here.
	 */
	void recordValid() {
		if (this.plainJson && knownValid.size() < MAX_KNOWN_VALID) {
			knownValid.add(this);
		}
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return this == other || (other instanceof SchemaShape shape && this.hash == shape.hash
				&& same(this.schema, shape.schema, false));
	}

	@Override
	public int hashCode() {
		return this.hash;
	}

	private static boolean isFreeText(Object key, @Nullable Object value, boolean exact) {
		return !exact && value instanceof String && key instanceof String name
				&& (name.equals("title") || name.equals("description") || name.equals("$comment"));
	}

	/** Whether a keyword's value is an instance value rather than (sub)schemas. */
	private static boolean holdsInstanceValues(Object key) {
		return key instanceof String name && switch (name) {
			case "enum", "const", "default", "examples" -> true;
			default -> false;
		};
	}

	private static boolean isResolvedOnCompile(Object key, int depth) {
		return key instanceof String name && switch (name) {
			case "$ref", "$dynamicRef", "$recursiveRef", "$id", "$anchor", "$dynamicAnchor", "$recursiveAnchor", "id",
					"patternProperties" -> true;
			case "$schema" -> depth > 0;
			default -> false;
		};
	}

	/**
	 * Hashes a value, leaving out free text unless {@code exact}. A key named like a keyword
	 * where it is a property name only makes the answers more careful: another shape, or an
	 * early compilation.
	 */
	private int hash(@Nullable Object value, boolean exact, int depth) {
		if (value instanceof Map<?, ?> map) {
			// A sum, like Map.hashCode(): independent of the order of the keys.
			int sum = 0;
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				Object key = entry.getKey();
				Object child = entry.getValue();
				if (!exact && isResolvedOnCompile(key, depth)) {
					this.resolvesOnCompile = true;
				}
				sum += Objects.hashCode(key) ^ (isFreeText(key, child, exact) ? 1
						: hash(child, exact || holdsInstanceValues(key), depth + 1));
			}
			return sum;
		}
		if (value instanceof List<?> list) {
			int result = 1;
			for (Object item : list) {
				result = 31 * result + hash(item, exact, depth + 1);
			}
			return result;
		}
		if (value != null && !(value instanceof String || value instanceof Number || value instanceof Boolean)) {
			this.plainJson = false;
		}
		return Objects.hashCode(value);
	}

	private static boolean same(@Nullable Object left, @Nullable Object right, boolean exact) {
		if (left instanceof Map<?, ?> leftMap && right instanceof Map<?, ?> rightMap) {
			if (leftMap.size() != rightMap.size()) {
				return false;
			}
			for (Map.Entry<?, ?> entry : leftMap.entrySet()) {
				Object key = entry.getKey();
				if (!rightMap.containsKey(key)) {
					return false;
				}
				Object leftValue = entry.getValue();
				Object rightValue = rightMap.get(key);
				boolean bothFreeText = isFreeText(key, leftValue, exact) && isFreeText(key, rightValue, exact);
				if (!bothFreeText && !same(leftValue, rightValue, exact || holdsInstanceValues(key))) {
					return false;
				}
			}
			return true;
		}
		if (left instanceof List<?> leftList && right instanceof List<?> rightList) {
			if (leftList.size() != rightList.size()) {
				return false;
			}
			for (int i = 0; i < leftList.size(); i++) {
				if (!same(leftList.get(i), rightList.get(i), exact)) {
					return false;
				}
			}
			return true;
		}
		return Objects.equals(left, right);
	}

}
