package dev.unifiedplugins.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * One entry file of a {@link ConfigFileHistory}: a header, a JSON object with
 * {@code sequence} (its place in the plugin's history), {@code revision} (null for a
 * deletion), {@code writtenAt} and {@code writtenBy}, then a line break and, for a save, the
 * config file's bytes exactly as written, whose hash is the revision. A file is named by
 * the sequence of the entry it was created for, and holds later entries once the history is
 * full: its name says nothing of what it holds.
 *
 * @param path the file
 * @param sequence its place in the plugin's history
 * @param revision the revision it holds, null for a deletion
 * @param writtenAt when it was written
 * @param writtenBy who wrote it, null when unknown
 */
record ConfigHistoryEntry(Path path, long sequence, @Nullable String revision, Instant writtenAt,
		@Nullable String writtenBy) {

	/** The revision of a deletion is this, then its sequence number. */
	static final String DELETED_PREFIX = "deleted-";

	/** Most bytes of a header: a time, a revision and a writer of at most 255 characters, escaped. */
	private static final int HEADER_LIMIT = 4096;

	private static final String KIND = "Plugin config history entry";

	private static final byte[] NEWLINE = { '\n' };

	/** {@return the file a new entry file of a plugin's history directory gets} */
	static Path newFile(Path dir, long sequence) {
		return dir.resolve(String.format("%012d", sequence));
	}

	/**
	 * Writes an entry, owner-only and without flushing it (see {@link ConfigFileHistory}).
	 * @param file a new file, or an entry file to write over
	 * @param create whether the file is new
	 * @param config a save's bytes, null for a deletion
	 * @return the entry written
	 */
	static ConfigHistoryEntry write(Path file, boolean create, String uniqueId, long sequence,
			@Nullable String revision, Instant writtenAt, @Nullable String writtenBy, byte @Nullable [] config)
			throws IOException {
		Map<String, Object> fields = new LinkedHashMap<>();
		fields.put("sequence", sequence);
		fields.put("revision", revision);
		fields.put("writtenAt", writtenAt.toString());
		fields.put("writtenBy", writtenBy);
		byte[] header = ConfigJson.write(uniqueId, fields, HEADER_LIMIT);
		byte[] body = (config != null) ? config : new byte[0];
		try (FileChannel channel = FileChannel.open(file,
				create ? Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE) : Set.of(StandardOpenOption.WRITE),
				AtomicFiles.ownerOnly(file, false))) {
			ByteBuffer[] buffers = { ByteBuffer.wrap(header), ByteBuffer.wrap(NEWLINE), ByteBuffer.wrap(body) };
			long length = header.length + 1L + body.length;
			for (long left = length; left > 0;) {
				left -= channel.write(buffers);
			}
			if (!create && channel.size() > length) {
				channel.truncate(length);
			}
		}
		return new ConfigHistoryEntry(file, sequence, revision, writtenAt, writtenBy);
	}

	/** The entry a file holds, by its header; null when it holds none (torn by a crash, or not an entry). */
	static @Nullable ConfigHistoryEntry read(Path file) {
		try (InputStream in = Files.newInputStream(file)) {
			byte[] start = in.readNBytes(HEADER_LIMIT);
			int end = headerEnd(start);
			if (end < 0) {
				return null;
			}
			Map<String, Object> header = ConfigJson.parse(KIND + " " + file, file, Arrays.copyOf(start, end));
			if (!(header.get("sequence") instanceof Number sequence) || sequence.longValue() < 1) {
				return null;
			}
			return new ConfigHistoryEntry(file, sequence.longValue(),
					(header.get("revision") instanceof String revision) ? revision : null,
					Instant.parse(String.valueOf(header.get("writtenAt"))),
					(header.get("writtenBy") instanceof String writtenBy) ? writtenBy : null);
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
	}

	/** {@return the entry as a revision of the history} */
	ConfigRevision toRevision() {
		return new ConfigRevision((this.revision != null) ? this.revision : DELETED_PREFIX + this.sequence,
				this.writtenAt, this.writtenBy, this.revision == null);
	}

	/** Whether a save's bytes are those of its revision; a deletion has none. */
	boolean isIntact(long maxConfigSize) {
		return this.revision == null || config(maxConfigSize) != null;
	}

	/** A save's configuration bytes; null when they are not intact (a crash tore them) or gone. */
	byte @Nullable [] config(long maxConfigSize) {
		byte[] bytes;
		try {
			bytes = ConfigFiles.read(this.path, KIND, maxConfigSize + HEADER_LIMIT).orElse(null);
		}
		catch (PluginConfigException ex) {
			return null;
		}
		int end = (bytes != null) ? headerEnd(bytes) : -1;
		if (end < 0 || end >= bytes.length || bytes[end] != '\n') {
			return null;
		}
		byte[] config = Arrays.copyOfRange(bytes, end + 1, bytes.length);
		return ConfigJson.revisionOf(config).equals(this.revision) ? config : null;
	}

	/** The configuration of a save whose bytes are intact. */
	Map<String, Object> parse(byte[] config) {
		return ConfigJson.parse(KIND + " " + this.path, this.path, config);
	}

	/** Where the header ends: after the first line that is a closing brace alone; -1 when it does not. */
	private static int headerEnd(byte[] bytes) {
		for (int i = 0; i + 1 < bytes.length; i++) {
			if (bytes[i] == '\n' && bytes[i + 1] == '}') {
				return i + 2;
			}
		}
		return -1;
	}

}
