package dev.unifiedplugins.systems;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Collections;
import java.util.Iterator;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * A directory of plugin JARs as its listing shows it: each {@code *.jar} file's name, size,
 * modification time and file key (the inode, where the file system has one). Cheap to
 * read, unlike the JARs' content: two equal states mean that, as far as the listing tells,
 * no JAR was added, removed, moved over or written in between.
 *
 * @param jars the JARs by file name, sorted
 */
record JarDirectoryState(SortedMap<String, Jar> jars) {

	/** A directory that does not exist, or holds no JAR. */
	static final JarDirectoryState EMPTY = new JarDirectoryState(Collections.emptySortedMap());

	/**
	 * Reads a directory's listing.
	 * @param directory the directory; a missing one holds no JAR
	 * @return the state of its JARs
	 * @throws UncheckedIOException when the directory cannot be listed
	 */
	static JarDirectoryState read(Path directory) {
		if (!Files.isDirectory(directory)) {
			return EMPTY;
		}
		SortedMap<String, Jar> jars = new TreeMap<>();
		try (Stream<Path> files = Files.list(directory)) {
			for (Iterator<Path> it = files.iterator(); it.hasNext();) {
				Path file = it.next();
				String name = file.getFileName().toString();
				Jar jar = name.endsWith(".jar") ? Jar.read(file) : null;
				if (jar != null) {
					jars.put(name, jar);
				}
			}
		}
		catch (IOException | UncheckedIOException ex) {
			IOException cause = (ex instanceof UncheckedIOException unchecked) ? unchecked.getCause() : (IOException) ex;
			throw new UncheckedIOException("Cannot list plugin JARs in " + directory, cause);
		}
		return new JarDirectoryState(Collections.unmodifiableSortedMap(jars));
	}

	/**
	 * One JAR as listed.
	 *
	 * @param size its size in bytes
	 * @param modified its last modification time
	 * @param fileKey what identifies the file on its file system, or null where nothing does
	 */
	record Jar(long size, FileTime modified, @Nullable Object fileKey) {

		/** The JAR's attributes, or null when it is no regular file or is gone since listed. */
		static @Nullable Jar read(Path file) {
			try {
				BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
				return attributes.isRegularFile()
						? new Jar(attributes.size(), attributes.lastModifiedTime(), attributes.fileKey()) : null;
			}
			catch (IOException ex) {
				return null;
			}
		}

	}

}
