package dev.unifiedplugins.actuate;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

import org.springframework.http.MediaType;

/**
 * Which requests are saves to the {@code plugins} endpoint, whose bodies the body filters
 * rewrite: a POST with a JSON body below the endpoint's path.
 *
 * @param endpointPath the endpoint's path within the application
 * @param maxBodySize the largest body read, in bytes
 */
record SaveRequests(String endpointPath, long maxBodySize) {

	SaveRequests {
		Objects.requireNonNull(endpointPath, "endpointPath must not be null");
		endpointPath = endpointPath.endsWith("/") ? endpointPath : endpointPath + "/";
		if (maxBodySize < 1) {
			throw new IllegalArgumentException("maxBodySize must be positive, not " + maxBodySize);
		}
	}

	boolean isSave(String method, String path, @Nullable String contentType) {
		return "POST".equals(method) && path.startsWith(this.endpointPath) && isJson(contentType);
	}

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
