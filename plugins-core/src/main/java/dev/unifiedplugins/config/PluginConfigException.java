package dev.unifiedplugins.config;

import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

/**
 * A stored plugin configuration that cannot be used: corrupt JSON, not an object, not
 * UTF-8, too large, or not a regular file. The message names the file. Other plugins'
 * configurations are unaffected.
 */
public class PluginConfigException extends RuntimeException {

	private final @Nullable Path path;

	/**
	 * Creates an exception about one stored configuration.
	 * @param path the file, or null when the store is not file based
	 * @param message what is wrong, naming the file
	 * @param cause the underlying error, or null
	 */
	public PluginConfigException(@Nullable Path path, String message, @Nullable Throwable cause) {
		super(message, cause);
		this.path = path;
	}

	/** {@return the file that holds the unusable configuration, null when the store is not file based} */
	public @Nullable Path getPath() {
		return this.path;
	}

}
