package dev.unifiedplugins.actuate;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.http.MediaType;
import org.springframework.util.function.SingletonSupplier;

/**
 * Which requests are saves to the {@code plugins} endpoint, whose bodies the body filters
 * rewrite: a POST with a JSON body below the endpoint's path, while the endpoint takes
 * saves at all.
 */
final class SaveRequests {

	/**
	 * Resolved on the first request: the endpoint's path comes from the endpoint beans, which
	 * the filters must not create while the web server starts. Empty when the endpoint
	 * takes no saves (its access is read-only), whose bodies are then never read.
	 */
	private final Supplier<Optional<String>> prefix;

	private final long maxBodySize;

	SaveRequests(Supplier<@Nullable String> endpointPath, long maxBodySize) {
		Objects.requireNonNull(endpointPath, "endpointPath must not be null");
		if (maxBodySize < 1) {
			throw new IllegalArgumentException("maxBodySize must be positive, not " + maxBodySize);
		}
		this.prefix = SingletonSupplier.of(() -> Optional.ofNullable(endpointPath.get())
			.map((path) -> path.endsWith("/") ? path : path + "/"));
		this.maxBodySize = maxBodySize;
	}

	long maxBodySize() {
		return this.maxBodySize;
	}

	boolean isSave(String method, String path, @Nullable String contentType) {
		// The media type is parsed last: the filters see every request of the application.
		return "POST".equals(method) && this.prefix.get().filter(path::startsWith).isPresent() && isJson(contentType);
	}

	/**
	 * Whether a request writes to the endpoint (a save or a delete): its 503 answers carry
	 * {@code Retry-After}.
	 */
	boolean isWrite(String method, String path) {
		return ("POST".equals(method) || "DELETE".equals(method))
				&& this.prefix.get().filter(path::startsWith).isPresent();
	}

	/**
	 * The {@code Retry-After} of a write the store could not do now (a busy plugin, a store
	 * that failed): in seconds, as HTTP wants them.
	 */
	static final String RETRY_AFTER_SECONDS = "1";

	String tooLarge() {
		return "The request body is larger than plugins.max-config-size (" + this.maxBodySize + " bytes)";
	}

	private static boolean isJson(@Nullable String contentType) {
		if (contentType == null) {
			return false;
		}
		try {
			MediaType type = MediaType.parseMediaType(contentType);
			return type.getSubtype().equals("json") || type.getSubtype().endsWith("+json");
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

}
