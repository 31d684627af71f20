package dev.unifiedplugins.actuate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.unifiedplugins.config.SchemaWalker;
import dev.unifiedplugins.config.SensitiveKeys;
import dev.unifiedplugins.core.RemoteResourceInfo;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonPointer;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.Sanitizer;

/**
 * What the {@code plugins} endpoint shows of values: those under credential-like keys or
 * marked secret by the schema always masked, the others through the application's
 * sanitizing functions. {@link MaskedValues} puts saved values back where a client sends
 * the mask.
 */
final class ShownValues {

	/** For values no schema describes: managed resources, remote resource metadata. */
	static final SchemaWalker NO_SCHEMA = SchemaWalker.of(Map.of());

	private final Sanitizer sanitizer;

	ShownValues(Sanitizer sanitizer) {
		this.sanitizer = sanitizer;
	}

	/**
	 * A remote resource's metadata is shown like managed resources: values under
	 * credential-like keys masked, the application's sanitizing functions applied.
	 */
	@Nullable RemoteResourceInfo remoteResource(@Nullable RemoteResourceInfo remote) {
		if (remote == null || remote.metadata().isEmpty()) {
			return remote;
		}
		return new RemoteResourceInfo(remote.provider(), remote.region(), remote.instanceId(), remote.jobId(),
				remote.endpointUrl(), remote.sshHost(), remote.sshPort(), remote.status(), remote.resourceType(),
				remote.gpuCount(), remote.gpuType(), remote.estimatedCostPerHour(),
				sanitize(remote.metadata(), true, NO_SCHEMA));
	}

	/**
	 * Whether a value is a secret, masked whatever show-values says, and everything inside
	 * it: its key is credential-like or its schema marks it secret.
	 * @param key its key, or that of the array it is in
	 * @param schema the schema walked to it
	 * @return true when it is
	 */
	static boolean isSecret(String key, SchemaWalker schema) {
		return schema.isSecret() || SensitiveKeys.isSensitive(key);
	}

	Map<String, Object> sanitize(Map<String, ?> values, boolean show, SchemaWalker schema) {
		Map<String, Object> result = new LinkedHashMap<>();
		values.forEach((key, value) -> result.put(key,
				sanitizeValue(key, key, value, show, schema.property(key), false)));
		return result;
	}

	/**
	 * Masks one value of a configuration as {@link #sanitize} masks it in place: by the keys
	 * above it, its own, and the schema along them.
	 * @param pointer where the value is, a JSON Pointer through objects only (as
	 * {@link dev.unifiedplugins.config.ConfigChange#path()}), not the root
	 * @param value the value
	 * @param show whether show-values allows values to be shown
	 * @param schema the configuration's schema
	 * @return the value as {@link #sanitize} would show it there
	 */
	@Nullable Object sanitizeAt(String pointer, @Nullable Object value, boolean show, SchemaWalker schema) {
		JsonPointer at = JsonPointer.compile(pointer);
		if (at.matches()) {
			throw new IllegalArgumentException("A value of the configuration, not the configuration itself");
		}
		String path = null;
		boolean secret = false;
		SchemaWalker walker = schema;
		for (; !at.tail().matches(); at = at.tail()) {
			String key = at.getMatchingProperty();
			path = (path != null) ? path + "." + key : key;
			walker = walker.property(key);
			secret = secret || isSecret(key, walker);
		}
		String key = at.getMatchingProperty();
		return sanitizeValue((path != null) ? path + "." + key : key, key, value, show, walker.property(key), secret);
	}

	/**
	 * Masks one value. {@code path} names it for sanitizing functions ({@code a.b[0]});
	 * {@code schema} is walked along with it. Under a credential key or a value the schema
	 * marks secret every value is masked, whatever show-values says, but keys and list
	 * lengths are kept.
	 */
	@SuppressWarnings("unchecked")
	private @Nullable Object sanitizeValue(String path, String key, @Nullable Object value, boolean show,
			SchemaWalker schema, boolean secret) {
		boolean masked = secret || isSecret(key, schema);
		if (value instanceof Map<?, ?> map) {
			Map<String, Object> result = new LinkedHashMap<>();
			((Map<String, ?>) map).forEach((childKey, child) -> result.put(childKey, sanitizeValue(
					path + "." + childKey, childKey, child, show, schema.property(childKey), masked)));
			return result;
		}
		if (value instanceof List<?> list) {
			List<@Nullable Object> result = new ArrayList<>(list.size());
			for (int i = 0; i < list.size(); i++) {
				result.add(sanitizeValue(path + "[" + i + "]", key, list.get(i), show, schema.item(i), masked));
			}
			return result;
		}
		if (value != null && masked) {
			return SanitizableData.SANITIZED_VALUE;
		}
		return this.sanitizer.sanitize(new SanitizableData(null, path, value), show);
	}

}
