package dev.unifiedplugins.actuate;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

import dev.unifiedplugins.actuate.PluginsEndpoint.PluginEntry;
import dev.unifiedplugins.core.PluginMetadata;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.inspection.PluginReport;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonEncoding;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.io.SerializedString;
import tools.jackson.databind.SerializationConfig;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.annotation.JsonSerialize;
import tools.jackson.databind.ser.std.StdSerializer;

/**
 * The entries of {@code /actuator/plugins}, with the JSON of each plugin shown as
 * registered (no live instance, no error) kept and written as is. Such an entry is a
 * function of its immutable metadata, so it is serialized once per metadata instance: at
 * 1,000 plugins serializing every entry on every request took 1.1 ms of the endpoint's
 * 1.4 ms, against 0.3 ms in all with kept entries (BENCHMARKS.md), which is what its
 * latency under load is made of.
 */
final class RenderedPluginEntries {

	private final UnifiedPluginRegistry registry;

	private final Function<PluginReport, PluginEntry> toEntry;

	/**
	 * Whether a plugin's entry shows nothing but its metadata (no cloud cost history), as
	 * of one serialization.
	 */
	private final Supplier<Predicate<String>> metadataOnly;

	/** The kept JSON for one serialization config: another mapper renders again. */
	private volatile Kept kept = new Kept(null, new Rendered[0]);

	RenderedPluginEntries(UnifiedPluginRegistry registry, Function<PluginReport, PluginEntry> toEntry,
			Supplier<Predicate<String>> metadataOnly) {
		this.registry = registry;
		this.toEntry = toEntry;
		this.metadataOnly = metadataOnly;
	}

	/**
	 * The entries of some reports: a plain unmodifiable list whose serializer writes the
	 * kept JSON where it can.
	 */
	List<PluginEntry> of(List<PluginReport> reports) {
		return new Entries(reports, this);
	}

	/**
	 * The kept JSON by position in the registration order, checked against the metadata it
	 * was rendered from: finding an entry is an array read, not a lookup by unique id,
	 * which at 1,000 plugins was a fifth of the endpoint's time (BENCHMARKS.md). A
	 * registration that moves plugins renders the moved ones again, once.
	 */
	private Rendered[] keptFor(SerializationConfig config, int plugins) {
		Kept current = this.kept;
		if (current.config() != config || current.byPosition().length != plugins) {
			current = new Kept(config, new Rendered[plugins]);
			this.kept = current;
		}
		return current.byPosition();
	}

	/**
	 * Whether metadata is the registered one, not one made from a live instance's answer:
	 * only then is the entry a function of the metadata alone.
	 */
	private boolean isRegistered(String uniqueId, PluginMetadata metadata) {
		return this.registry.getRegisteredPlugin(uniqueId).orElse(null) == metadata;
	}

	/**
	 * Concurrent requests may write a position at once: each writes an equal rendering of
	 * the same metadata, and a record's final fields publish it safely, so a reader sees
	 * null or a whole one.
	 */
	private record Kept(@Nullable SerializationConfig config, Rendered[] byPosition) {
	}

	/** The JSON of one entry, and the metadata it was rendered from. */
	private record Rendered(PluginMetadata metadata, SerializedString json) {
	}

	/** A plain unmodifiable list, built from the reports when read. */
	@JsonSerialize(using = EntriesSerializer.class)
	static final class Entries extends AbstractList<PluginEntry> implements RandomAccess {

		private final List<PluginReport> reports;

		private final RenderedPluginEntries owner;

		private final @Nullable PluginEntry[] entries;

		Entries(List<PluginReport> reports, RenderedPluginEntries owner) {
			this.reports = reports;
			this.owner = owner;
			this.entries = new PluginEntry[reports.size()];
		}

		@Override
		public PluginEntry get(int index) {
			PluginEntry entry = this.entries[index];
			if (entry == null) {
				// A race builds equal entries; records publish their fields safely.
				entry = this.owner.toEntry.apply(this.reports.get(index));
				this.entries[index] = entry;
			}
			return entry;
		}

		@Override
		public int size() {
			return this.reports.size();
		}

	}

	/** Writes kept entries as raw JSON values and the others as usual. */
	static final class EntriesSerializer extends StdSerializer<Entries> {

		EntriesSerializer() {
			super(Entries.class);
		}

		@Override
		public void serialize(Entries value, JsonGenerator generator, SerializationContext context) {
			int size = value.size();
			Rendered[] kept = value.owner.keptFor(context.getConfig(), size);
			Predicate<String> metadataOnly = value.owner.metadataOnly.get();
			// Kept JSON is compact: pretty output, for people, renders every entry in place.
			boolean keep = generator.getPrettyPrinter() == null;
			generator.writeStartArray(value, size);
			for (int i = 0; i < size; i++) {
				PluginReport report = value.reports.get(i);
				SerializedString json = null;
				String uniqueId = report.uniqueId();
				if (keep && report.error() == null && metadataOnly.test(uniqueId)) {
					Rendered rendered = kept[i];
					if (rendered != null && rendered.metadata() == report.metadata()) {
						json = rendered.json();
					}
					else if (value.owner.isRegistered(uniqueId, report.metadata())) {
						json = render(value.get(i), context);
						kept[i] = new Rendered(report.metadata(), json);
					}
				}
				if (json != null) {
					generator.writeRawValue(json);
				}
				else {
					context.writeValue(generator, value.get(i));
				}
			}
			generator.writeEndArray();
		}

		private static SerializedString render(PluginEntry entry, SerializationContext context) {
			ByteArrayOutputStream out = new ByteArrayOutputStream(512);
			try (JsonGenerator generator = context.createGenerator(out, JsonEncoding.UTF8)) {
				context.writeValue(generator, entry);
			}
			return new SerializedString(out.toString(StandardCharsets.UTF_8));
		}

	}

}
