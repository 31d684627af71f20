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
 * Every supported draft's metaschema requires only that those keywords be strings, and
 * wherever else a key of those names may hold a string (inside {@code enum}, {@code const},
 * {@code default}, {@code examples} or an unknown keyword) any value is accepted. Only
 * string values are left out, so a non-string {@code title} still tells shapes apart.
 * Plugins generated from one template differ only in such texts, and checking one of them
 * against the metaschema then answers for all. Only schemas without references or
 * identifiers are compared by shape: the others are compiled, which resolves them.
 */
final class SchemaShape {


	/** Bounded: shapes keep their schema reachable. */
	private static final int MAX_KNOWN_VALID = 1024;

	private static final Set<SchemaShape> knownValid = ConcurrentHashMap.newKeySet();

	private final Map<String, Object> schema;

	private final int hash;

	/** Set while hashing, which walks the whole schema anyway. */
	private boolean resolvesOnCompile;

	SchemaShape(Map<String, Object> schema) {
		this.schema = schema;
		this.hash = hash(schema);
	}

	/**
	 * Whether the schema has references or identifiers ({@code $ref}, {@code $id},
	 * {@code $anchor} and their kin), which only compiling resolves.
	 */
	boolean resolvesOnCompile() {
		return this.resolvesOnCompile;
	}

	/** Whether a schema of this shape has matched its metaschema. */
	boolean isKnownValid() {
		return knownValid.contains(this);
	}

	/** Records that this shape matched its metaschema. */
	void recordValid() {
		if (knownValid.size() < MAX_KNOWN_VALID) {
			knownValid.add(this);
		}
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return this == other || (other instanceof SchemaShape shape && this.hash == shape.hash
				&& same(this.schema, shape.schema));
	}

	@Override
	public int hashCode() {
		return this.hash;
	}

	private static boolean isFreeText(Object key, @Nullable Object value) {
		return value instanceof String && key instanceof String name
				&& (name.equals("title") || name.equals("description") || name.equals("$comment"));
	}

	/**
	 * Keywords that compiling resolves, and that can fail there although the schema matches
	 * its metaschema. {@code id} is draft 4's {@code $id}; a property of that name only makes
	 * a schema compile early.
	 */
	private static boolean isResolvedOnCompile(Object key) {
		return key instanceof String name && switch (name) {
			case "$ref", "$dynamicRef", "$recursiveRef", "$id", "$anchor", "$dynamicAnchor", "$recursiveAnchor",
					"id" -> true;
			default -> false;
		};
	}

	private int hash(@Nullable Object value) {
		if (value instanceof Map<?, ?> map) {
			// A sum, like Map.hashCode(): independent of the order of the keys.
			int sum = 0;
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				Object key = entry.getKey();
				if (isResolvedOnCompile(key)) {
					this.resolvesOnCompile = true;
				}
				sum += Objects.hashCode(key) ^ (isFreeText(key, entry.getValue()) ? 1 : hash(entry.getValue()));
			}
			return sum;
		}
		if (value instanceof List<?> list) {
			int result = 1;
			for (Object item : list) {
				result = 31 * result + hash(item);
			}
			return result;
		}
		return Objects.hashCode(value);
	}

	private static boolean same(@Nullable Object left, @Nullable Object right) {
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
				boolean bothFreeText = isFreeText(key, leftValue) && isFreeText(key, rightValue);
				if (!bothFreeText && !same(leftValue, rightValue)) {
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
				if (!same(leftList.get(i), rightList.get(i))) {
					return false;
				}
			}
			return true;
		}
		return Objects.equals(left, right);
	}

}
