package dev.unifiedplugins.actuate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.unifiedplugins.config.ConfigChanges;
import dev.unifiedplugins.config.ConfigViolation;
import dev.unifiedplugins.config.PluginConfigSchema;
import dev.unifiedplugins.config.SchemaWalker;
import dev.unifiedplugins.config.SensitiveKeys;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonPointer;

import org.springframework.boot.actuate.endpoint.SanitizableData;

/**
 * The masks of a configuration sent back for saving: a client that read a configuration
 * with masked values (secrets always, every value unless {@code show-values} allows) and
 * sends it back with its changes cannot know the masked values, so a mask it sends stands
 * for the saved value at its place.
 * <p>
 * A mask takes the saved value at the same key path, and nothing else: a client cannot
 * move a saved secret to another field, where it would be shown. Where nothing is saved
 * the masked entry is left out, and so is an object or array that held only such masks.
 * <p>
 * A secret (a value under a credential-like key or that the schema marks secret, or a
 * value holding one) is kept from a mask only where it goes: when the same save changes a
 * destination (a value under a key such as {@code endpoint_url} or {@code proxy_host}, see
 * {@link SensitiveKeys#isDestination(String)}, or a string the schema gives a format such
 * as {@code uri}, see {@link SchemaWalker#isDestination()}) in the secret's object or an
 * object above it, the save is refused with a violation at the secret's path that names
 * the changed destinations: the client must send the secret again. A destination in a
 * sibling object does not count. Destinations are compared as the endpoint showed them,
 * the schema's defaults where nothing is saved, so a destination sent back as shown or
 * masked is unchanged, and one added where none was saved nor defaulted, or left out where
 * one was, is changed.
 */
final class MaskedValues {

	/** What the endpoint shows instead of a value: {@value SanitizableData#SANITIZED_VALUE}. */
	static final String MASK = SanitizableData.SANITIZED_VALUE;

	/** A masked entry with nothing saved behind it, to be left out. */
	private static final Object LEFT_OUT = new Object();

	private MaskedValues() {
	}

	/**
	 * Whether a value holds a mask at any depth.
	 * @param value a JSON value as maps, lists and scalars
	 * @return true when it does
	 */
	static boolean containsMask(@Nullable Object value) {
		if (value instanceof Map<?, ?> map) {
			return map.values().stream().anyMatch(MaskedValues::containsMask);
		}
		if (value instanceof List<?> list) {
			return list.stream().anyMatch(MaskedValues::containsMask);
		}
		return MASK.equals(value);
	}

	/**
	 * Replaces every mask in a submitted configuration with the saved value at its place.
	 * @param submitted the configuration sent for saving
	 * @param saved the saved configuration, empty when none is saved
	 * @return the configuration to save
	 */
	@SuppressWarnings("unchecked")
	static Map<String, Object> restore(Map<String, ?> submitted, Map<String, ?> saved) {
		Object restored = restore(submitted, saved, true);
		return (restored instanceof Map<?, ?> map) ? (Map<String, Object>) map : new LinkedHashMap<>();
	}

	/**
	 * Replaces every mask in a submitted configuration with the saved value at its place,
	 * unless a masked secret would follow a changed destination.
	 * @param submitted the configuration sent for saving
	 * @param saved the saved configuration, empty when none is saved
	 * @param schema the plugin's JSON Schema, empty for none
	 * @return the configuration to save and the secrets it keeps, or why it must not be
	 * saved
	 */
	static Restoration restore(Map<String, ?> submitted, Map<String, ?> saved, Map<String, ?> schema) {
		Map<String, Object> restored = restore(submitted, saved);
		SchemaWalker walker = SchemaWalker.of(schema);
		List<Located> secrets = new ArrayList<>();
		submitted.forEach((key, value) -> keptSecrets(value, saved.get(key), saved.containsKey(key), key,
				walker.property(key), false, JsonPointer.empty().appendProperty(key), JsonPointer.empty(), secrets));
		if (secrets.isEmpty()) {
			return new Restoration(restored, List.of(), List.of());
		}
		PluginConfigSchema defaults = PluginConfigSchema.of(schema);
		List<Located> destinations = new ArrayList<>();
		changedDestinations(defaults.withDefaults(saved), defaults.withDefaults(restored), null, walker,
				JsonPointer.empty(), JsonPointer.empty(), destinations);
		List<ConfigViolation> violations = new ArrayList<>();
		for (Located secret : secrets) {
			List<String> changed = destinations.stream()
				.filter((destination) -> isSelfOrAbove(destination.owner(), secret.owner()))
				.map(Located::path)
				.toList();
			if (!changed.isEmpty()) {
				violations.add(new ConfigViolation(secret.path(),
						"resend the secret: " + String.join(", ", changed) + " changed"));
			}
		}
		List<String> kept = secrets.stream().map(Located::path).toList();
		return new Restoration(restored, violations.isEmpty() ? kept : List.of(), violations);
	}

	/**
	 * Finds the masks that keep a saved secret: a mask with a saved value behind it, where
	 * the value is a secret or holds one.
	 * @param key the value's key, or that of the array it is in
	 * @param inherited whether a value it is in is a secret
	 * @param owner the object the value is in, or in an array of
	 */
	private static void keptSecrets(@Nullable Object submitted, @Nullable Object saved, boolean present, String key,
			SchemaWalker schema, boolean inherited, JsonPointer pointer, JsonPointer owner, List<Located> found) {
		boolean secret = inherited || ShownValues.isSecret(key, schema);
		if (MASK.equals(submitted)) {
			if (present && saved != null && (secret || holdsSecret(saved, key, schema))) {
				found.add(new Located(pointer.toString(), owner.toString()));
			}
		}
		else if (submitted instanceof Map<?, ?> map) {
			Map<?, ?> savedMap = (saved instanceof Map<?, ?> m) ? m : Map.of();
			map.forEach((childKey, child) -> {
				String name = String.valueOf(childKey);
				keptSecrets(child, savedMap.get(childKey), savedMap.containsKey(childKey), name, schema.property(name),
						secret, pointer.appendProperty(name), pointer, found);
			});
		}
		else if (submitted instanceof List<?> list) {
			List<?> savedList = (saved instanceof List<?> l) ? l : List.of();
			for (int i = 0; i < list.size(); i++) {
				boolean inSaved = i < savedList.size();
				keptSecrets(list.get(i), inSaved ? savedList.get(i) : null, inSaved, key, schema.item(i), secret,
						pointer.appendIndex(i), owner, found);
			}
		}
	}

	/** Whether a saved value is a secret or holds one at any depth. */
	private static boolean holdsSecret(@Nullable Object saved, String key, SchemaWalker schema) {
		if (ShownValues.isSecret(key, schema)) {
			return saved != null;
		}
		if (saved instanceof Map<?, ?> map) {
			return map.entrySet()
				.stream()
				.anyMatch((entry) -> holdsSecret(entry.getValue(), String.valueOf(entry.getKey()),
						schema.property(String.valueOf(entry.getKey()))));
		}
		if (saved instanceof List<?> list) {
			for (int i = 0; i < list.size(); i++) {
				if (holdsSecret(list.get(i), key, schema.item(i))) {
					return true;
				}
			}
		}
		return false;
	}

	/**
	 * Finds the destinations that differ between what was saved and what is to be saved,
	 * each with the object it is in. A destination is compared whole, not looked into.
	 * @param key the value's key; null for the root and an array's elements, whose key was
	 * looked at with the array
	 * @param owner the object the value is in, or in an array of
	 */
	private static void changedDestinations(@Nullable Object before, @Nullable Object after, @Nullable String key,
			SchemaWalker schema, JsonPointer pointer, JsonPointer owner, List<Located> found) {
		if (SensitiveKeys.isDestination(key) || schema.isDestination()) {
			if (!ConfigChanges.same(before, after)) {
				found.add(new Located(pointer.toString(), owner.toString()));
			}
			return;
		}
		if (before instanceof Map<?, ?> || after instanceof Map<?, ?>) {
			Map<?, ?> beforeMap = (before instanceof Map<?, ?> map) ? map : Map.of();
			Map<?, ?> afterMap = (after instanceof Map<?, ?> map) ? map : Map.of();
			Set<Object> keys = new LinkedHashSet<>(beforeMap.keySet());
			keys.addAll(afterMap.keySet());
			for (Object childKey : keys) {
				String name = String.valueOf(childKey);
				changedDestinations(beforeMap.get(childKey), afterMap.get(childKey), name, schema.property(name),
						pointer.appendProperty(name), pointer, found);
			}
		}
		else if (before instanceof List<?> || after instanceof List<?>) {
			List<?> beforeList = (before instanceof List<?> list) ? list : List.of();
			List<?> afterList = (after instanceof List<?> list) ? list : List.of();
			for (int i = 0; i < Math.max(beforeList.size(), afterList.size()); i++) {
				changedDestinations((i < beforeList.size()) ? beforeList.get(i) : null,
						(i < afterList.size()) ? afterList.get(i) : null, null, schema.item(i), pointer.appendIndex(i),
						owner, found);
			}
		}
	}

	/** Whether an object, as a JSON Pointer, is another or one it is in. */
	private static boolean isSelfOrAbove(String object, String other) {
		return other.equals(object) || other.startsWith(object + "/");
	}

	private static @Nullable Object restore(@Nullable Object submitted, @Nullable Object saved, boolean present) {
		if (MASK.equals(submitted)) {
			return present ? saved : LEFT_OUT;
		}
		if (submitted instanceof Map<?, ?> map) {
			Map<?, ?> savedMap = (saved instanceof Map<?, ?> m) ? m : Map.of();
			Map<Object, @Nullable Object> result = new LinkedHashMap<>();
			boolean leftOut = false;
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				Object key = entry.getKey();
				Object value = restore(entry.getValue(), savedMap.get(key), savedMap.containsKey(key));
				if (value == LEFT_OUT) {
					leftOut = true;
				}
				else {
					result.put(key, value);
				}
			}
			return (leftOut && result.isEmpty()) ? LEFT_OUT : result;
		}
		if (submitted instanceof List<?> list) {
			List<?> savedList = (saved instanceof List<?> l) ? l : List.of();
			List<@Nullable Object> result = new ArrayList<>(list.size());
			boolean leftOut = false;
			for (int i = 0; i < list.size(); i++) {
				boolean inSaved = i < savedList.size();
				Object value = restore(list.get(i), inSaved ? savedList.get(i) : null, inSaved);
				if (value == LEFT_OUT) {
					leftOut = true;
				}
				else {
					result.add(value);
				}
			}
			return (leftOut && result.isEmpty()) ? LEFT_OUT : result;
		}
		return submitted;
	}

	/**
	 * What a save with masks comes to.
	 *
	 * @param config the configuration to save, masks replaced
	 * @param keptSecrets the paths (JSON Pointers) where a mask kept a saved secret
	 * @param violations why it must not be saved, one per masked secret beside a changed
	 * destination; empty when it may
	 */
	record Restoration(Map<String, Object> config, List<String> keptSecrets, List<ConfigViolation> violations) {
	}

	/** A value's path and that of the object it is in, as JSON Pointers. */
	private record Located(String path, String owner) {
	}

}
