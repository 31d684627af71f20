package dev.unifiedplugins.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;
import java.util.Optional;

/**
 * The file store's one read of a file: only a regular file (or a symbolic link to one),
 * up to a size, and the one way its I/O errors are told.
 */
final class ConfigFiles {

	private ConfigFiles() {
	}

	/**
	 * Reads a file of at most {@code maxSize} bytes.
	 * @param file the file
	 * @param kind what it is, for messages, capitalized: {@code Plugin config file}
	 * @param maxSize the most bytes it may hold
	 * @return its bytes, or empty when there is no such file
	 * @throws PluginConfigException when it is not a regular file or is larger
	 * @throws UncheckedIOException when it cannot be read
	 */
	static Optional<byte[]> read(Path file, String kind, long maxSize) {
		String what = kind + " " + file;
		try {
			// Follows symbolic links: Kubernetes mounts a ConfigMap's keys as links.
			BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
			if (!attributes.isRegularFile()) {
				// Opening a FIFO blocks until a writer comes, perhaps never, and a device
				// such as /dev/zero never ends. (One swapped in after this check is not
				// caught, but whoever can do that can write the configurations anyway.)
				throw new PluginConfigException(file, what + " is "
						+ (attributes.isDirectory() ? "a directory" : "a FIFO, socket or device")
						+ ", not a regular file", null);
			}
			if (attributes.size() > maxSize) {
				throw ConfigJson.tooLarge(what, file, maxSize);
			}
			try (InputStream in = Files.newInputStream(file)) {
				// It may have grown since: one byte over the limit tells.
				byte[] bytes = in.readNBytes((int) maxSize + 1);
				if (bytes.length > maxSize) {
					throw ConfigJson.tooLarge(what, file, maxSize);
				}
				return Optional.of(bytes);
			}
		}
		catch (NoSuchFileException ex) {
			return Optional.empty();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + kind.toLowerCase(Locale.ROOT) + " " + file + ": " + describe(ex),
					ex);
		}
	}

	/** {@return what went wrong, in words; "permission denied" rather than the exception's name} */
	static String describe(IOException ex) {
		if (ex instanceof AccessDeniedException) {
			return "permission denied";
		}
		if (ex instanceof NoSuchFileException) {
			return "no such file or directory";
		}
		return (ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getSimpleName();
	}

}
