package dev.unifiedplugins.ui;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;

/**
 * The settings page: static files under a path of the application that show and edit
 * plugins through the {@code plugins} endpoint, and nothing else. What it serves, the same
 * on Spring MVC and Spring WebFlux:
 * <ul>
 * <li>{@code {path}}: a redirect to {@code {path}/};</li>
 * <li>{@code {path}/}: the page;</li>
 * <li>{@code {path}/settings.json}: where the endpoint is, relative to the page, and
 * why the page cannot reach it, if so; nothing else (whether the endpoint is exposed or
 * takes writes, the page learns from the endpoint, behind its security);</li>
 * <li>{@code {path}/lib/}: the JSON Schema form library, from its WebJar;</li>
 * <li>{@code {path}/*}: the page's own script and style sheet.</li>
 * </ul>
 * Every response carries the {@link #securityHeaders() security headers}.
 */
public final class PluginsSettingsPage {

	/** Where the page's files are on the class path; not a location Spring Boot serves by itself. */
	public static final String LOCATION = "META-INF/plugins-ui/";

	/** The WebJar of {@code @json-editor/json-editor}, which builds the forms. */
	static final String EDITOR_WEBJAR = "json-editor__json-editor";

	/**
	 * The page's {@code Content-Security-Policy}: its own files only, no inline script or
	 * style (the form library's style rules go to a constructed style sheet), no plugins,
	 * no framing.
	 */
	public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
			+ "img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
			+ "frame-ancestors 'none'";

	private static final Map<String, String> SECURITY_HEADERS = Map.of("Content-Security-Policy",
			CONTENT_SECURITY_POLICY, "X-Content-Type-Options", "nosniff", "X-Frame-Options", "DENY",
			"Referrer-Policy", "same-origin");

	private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9._~-]+)+");

	private final String path;

	private final Supplier<@Nullable String> endpointPath;

	private final @Nullable String unreachable;

	private final @Nullable String editorVersion;

	/**
	 * Creates the page.
	 * @param path where it is served, such as {@code /plugins-ui}
	 * @param endpointPath the path of the {@code plugins} endpoint within the application,
	 * such as {@code /actuator/plugins}, or null when it is not exposed over HTTP
	 * @param unreachable why the page cannot reach the endpoint at all, or null
	 * @throws IllegalArgumentException when the path is not one the page can be served at
	 */
	public PluginsSettingsPage(String path, Supplier<@Nullable String> endpointPath, @Nullable String unreachable) {
		this.path = checkPath(path);
		this.endpointPath = Objects.requireNonNull(endpointPath, "endpointPath must not be null");
		this.unreachable = unreachable;
		this.editorVersion = webJarVersion(EDITOR_WEBJAR);
	}

	/**
	 * Checks a path the page is to be served at.
	 * @param path the path
	 * @return the path
	 * @throws IllegalArgumentException when it is not one or more segments of letters,
	 * digits, {@code -}, {@code _}, {@code .} or {@code ~} each after a slash, or has a
	 * {@code .} or {@code ..} segment
	 */
	public static String checkPath(@Nullable String path) {
		if (path == null || !PATH.matcher(path).matches() || path.contains("/./") || path.endsWith("/.")
				|| path.contains("/../") || path.endsWith("/..")) {
			throw new IllegalArgumentException("must be one or more segments of letters, digits, '-', '_', '.' or '~', "
					+ "each after a '/', without a trailing '/' and without '.' or '..' segments, such as /plugins-ui");
		}
		return path;
	}

	/** {@return the path the page is served at, such as {@code /plugins-ui}, without a trailing slash} */
	public String path() {
		return this.path;
	}

	/**
	 * {@return where a request for the path without its trailing slash is sent: the last
	 * segment of the path and a slash, relative, so that the servlet context path or
	 * WebFlux base path is kept}
	 */
	public String redirect() {
		return this.path.substring(this.path.lastIndexOf('/') + 1) + "/";
	}

	/** {@return the page's HTML} */
	public Resource index() {
		return new ClassPathResource(LOCATION + "index.html");
	}

	/** {@return the directory of the page's own files} */
	public Resource files() {
		return new ClassPathResource(LOCATION);
	}

	/** {@return the directory of the form library's {@code jsoneditor.js}, or null without its WebJar} */
	public @Nullable Resource editorFiles() {
		return (this.editorVersion != null)
				? new ClassPathResource("META-INF/resources/webjars/" + EDITOR_WEBJAR + "/" + this.editorVersion + "/dist/")
				: null;
	}

	/**
	 * What the page needs to know of the server, as {@code settings.json}, which anyone who
	 * can load the page can read: {@code endpoint} (the endpoint's path relative to the
	 * page) and {@code unreachable} (why the endpoint cannot be reached, or null). Whether
	 * the endpoint is exposed and whether it takes writes are not told: the page asks the
	 * endpoint, so that only who may use it learns them.
	 * @return the settings
	 */
	public Map<String, @Nullable Object> settings() {
		String endpoint = this.endpointPath.get();
		Map<String, @Nullable Object> settings = new LinkedHashMap<>();
		settings.put("endpoint", relative((endpoint != null) ? endpoint : "/actuator/plugins"));
		settings.put("unreachable", this.unreachable);
		return settings;
	}

	/**
	 * {@return the headers of every response of the page: {@code Content-Security-Policy}
	 * ({@link #CONTENT_SECURITY_POLICY}), {@code X-Content-Type-Options: nosniff},
	 * {@code X-Frame-Options: DENY} and {@code Referrer-Policy: same-origin}}
	 */
	public static Map<String, String> securityHeaders() {
		return SECURITY_HEADERS;
	}

	/**
	 * Adds the {@link #securityHeaders() security headers}, for a route of the page.
	 * @param headers the response's headers
	 */
	public static void secure(HttpHeaders headers) {
		SECURITY_HEADERS.forEach(headers::set);
	}

	/**
	 * The headers of one of the page's files: the security headers, and a cache that checks
	 * again before use, so that a new page is never mixed with an old one.
	 * @param resource the file
	 * @param headers the response's headers
	 */
	public static void fileHeaders(Resource resource, HttpHeaders headers) {
		headers.setCacheControl(CacheControl.noCache());
		secure(headers);
	}

	/** A path of the application relative to the page at {@code {path}/}. */
	private String relative(String target) {
		StringBuilder relative = new StringBuilder();
		for (int i = 0; i < this.path.length(); i++) {
			if (this.path.charAt(i) == '/') {
				relative.append("../");
			}
		}
		return relative.append(target.startsWith("/") ? target.substring(1) : target).toString();
	}

	/** The version of a WebJar on the class path, from its Maven metadata. */
	static @Nullable String webJarVersion(String artifactId) {
		ClassPathResource metadata = new ClassPathResource(
				"META-INF/maven/org.webjars.npm/" + artifactId + "/pom.properties", PluginsSettingsPage.class.getClassLoader());
		if (!metadata.exists()) {
			return null;
		}
		try (InputStream in = metadata.getInputStream()) {
			Properties properties = new Properties();
			properties.load(in);
			return properties.getProperty("version");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + metadata, ex);
		}
	}

}
