package dev.unifiedplugins.actuate;

import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.unifiedplugins.applied.AppliedRevisions;
import dev.unifiedplugins.config.ConfigChange;
import dev.unifiedplugins.config.PluginConfigSchema;
import dev.unifiedplugins.config.PluginIds;
import dev.unifiedplugins.config.SchemaWalker;
import dev.unifiedplugins.config.StoredPluginConfig;
import dev.unifiedplugins.core.PluginMetadata;
import dev.unifiedplugins.core.RemoteResourceInfo;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.cost.CloudCostGuard;
import dev.unifiedplugins.inspection.PluginInspection;
import dev.unifiedplugins.inspection.PluginInspector;
import dev.unifiedplugins.inspection.PluginReport;
import dev.unifiedplugins.protocols.PluginCloudResourceTerminated;
import dev.unifiedplugins.utils.PluginStats;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonPointer;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.Sanitizer;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * {@link Endpoint @Endpoint} that shows the plugins of the
 * {@link UnifiedPluginRegistry}: statistics, categories, managed PIDs, estimated cloud
 * cost, and each plugin's entry. Calls into plugin instances are bounded by
 * {@code plugins.resource-timeout}; a plugin that fails gets an {@code error} field.
 * <p>
 * Read-only by default: the write operations of {@link PluginsEndpointWebExtension} are
 * served only with {@code management.endpoint.plugins.access=unrestricted}.
 */
@Endpoint(id = "plugins", defaultAccess = Access.READ_ONLY)
public class PluginsEndpoint {

	private final UnifiedPluginRegistry registry;

	private final PluginInspector inspector;

	private final ShownValues shown;

	private final Show showValues;

	private final Set<String> roles;

	private final double defaultHours;

	private final RenderedPluginEntries rendered;

	private final CloudCostView cloudCost;

	private final AppliedView applied;

	/**
	 * Creates the endpoint.
	 * @param registry the registry to show
	 * @param inspector how plugin instances are asked for their resources
	 * @param sanitizer the application's sanitizing functions
	 * @param showValues when configuration values are shown unmasked
	 * @param roles the roles that may see values under {@link Show#WHEN_AUTHORIZED}
	 * @param defaultHours the duration costs are estimated for when the request names none
	 * @param cloudCostGuard what shows the accrued cost, the budget and the automatic
	 * terminations, or null for none
	 */
	public PluginsEndpoint(UnifiedPluginRegistry registry, PluginInspector inspector, Sanitizer sanitizer,
			Show showValues, Set<String> roles, double defaultHours, @Nullable CloudCostGuard cloudCostGuard) {
		this(registry, inspector, sanitizer, showValues, roles, defaultHours, cloudCostGuard, null,
				AppliedView.DEFAULT_MAX_AWAIT);
	}

	/**
	 * Creates the endpoint, showing which revision each instance applied.
	 * @param registry the registry to show
	 * @param inspector how plugin instances are asked for their resources
	 * @param sanitizer the application's sanitizing functions
	 * @param showValues when configuration values are shown unmasked
	 * @param roles the roles that may see values under {@link Show#WHEN_AUTHORIZED}
	 * @param defaultHours the duration costs are estimated for when the request names none
	 * @param cloudCostGuard what shows the accrued cost, the budget and the automatic
	 * terminations, or null for none
	 * @param appliedRevisions what each instance applied, shown in the detail view's
	 * {@code applied}, or null when the application records none ({@code applied} is null)
	 * @param awaitTimeout the longest a save with {@code "await"} waits
	 * ({@code plugins.await-timeout})
	 */
	public PluginsEndpoint(UnifiedPluginRegistry registry, PluginInspector inspector, Sanitizer sanitizer,
			Show showValues, Set<String> roles, double defaultHours, @Nullable CloudCostGuard cloudCostGuard,
			@Nullable AppliedRevisions appliedRevisions, Duration awaitTimeout) {
		this.applied = new AppliedView(appliedRevisions, awaitTimeout);
		this.cloudCost = new CloudCostView(cloudCostGuard);
		this.registry = Objects.requireNonNull(registry, "registry must not be null");
		this.inspector = Objects.requireNonNull(inspector, "inspector must not be null");
		this.shown = new ShownValues(Objects.requireNonNull(sanitizer, "sanitizer must not be null"));
		this.showValues = Objects.requireNonNull(showValues, "showValues must not be null");
		this.roles = Set.copyOf(roles);
		this.defaultHours = defaultHours;
		this.rendered = new RenderedPluginEntries(registry, this::entry, this.cloudCost::withoutHistory);
	}

	/**
	 * Every plugin, with statistics and costs.
	 * @param hours the duration to estimate cloud cost for, or null for the default
	 * @return the report
	 */
	@ReadOperation
	public PluginsDescriptor plugins(@Nullable Double hours) {
		double duration = validHours(hours);
		PluginInspection inspection = this.inspector.inspectAll(duration);
		List<CategoryDescriptor> categories = new ArrayList<>();
		PluginStats stats = inspection.stats();
		for (String category : this.registry.getCategories()) {
			categories.add(new CategoryDescriptor(category, this.registry.getCategoryDisplayName(category),
					stats.byCategory().getOrDefault(category, 0)));
		}
		List<PluginEntry> plugins = this.rendered.of(inspection.plugins());
		Map<String, Double> byPlugin = new LinkedHashMap<>();
		inspection.costByPlugin().forEach((id, usd) -> byPlugin.put(id, usd(usd)));
		CloudCostDescriptor cost = this.cloudCost.describe(duration, usd(inspection.totalCost()),
				usd(inspection.hourlyCost()), byPlugin);
		return new PluginsDescriptor(stats, categories, inspection.managedPids(), cost, plugins);
	}

	/**
	 * One plugin, with its schema, managed resources and configuration.
	 * @param uniqueId the plugin's unique id
	 * @param securityContext who asks, for {@link Show#WHEN_AUTHORIZED}
	 * @return the plugin, or null (a 404) when it is not registered
	 */
	@ReadOperation
	public @Nullable PluginDetailDescriptor plugin(@Selector String uniqueId, SecurityContext securityContext) {
		requireValidId(uniqueId);
		PluginReport report = this.inspector.inspect(uniqueId, this.defaultHours).orElse(null);
		if (report == null) {
			return null;
		}
		String error = report.error();
		PluginMetadata metadata = report.metadata();
		Map<String, Object> config;
		List<String> savedPaths = List.of();
		List<String> undeclaredPaths = List.of();
		String revision = null;
		try {
			// One read, so that the revision is that of the values shown: a client that
			// sends it back with a save cannot overwrite a change it did not see.
			StoredPluginConfig stored = this.registry.loadStoredPluginConfig(uniqueId).orElse(null);
			revision = (stored != null) ? stored.revision() : null;
			Map<String, Object> saved = (stored != null) ? stored.config() : Map.of();
			config = shownConfig(PluginConfigSchema.of(metadata.configSchema()).withDefaults(saved),
					metadata.configSchema(), securityContext);
			savedPaths = savedPaths(saved);
			undeclaredPaths = PluginConfigSchema.of(metadata.configSchema()).undeclaredPaths(saved);
		}
		catch (RuntimeException ex) {
			// A corrupt configuration is reported, not a failure of the whole view; without a
			// revision, a save replaces it. A store that cannot be read now gives the revision
			// last seen, so that a client saving what it shows cannot overwrite a
			// configuration it could not read.
			config = Map.of();
			if (ex instanceof UncheckedIOException) {
				revision = this.registry.getKnownRevision(uniqueId).orElse(null);
			}
			error = ((error != null) ? error + "; " : "") + "config: " + ex.getMessage();
		}
		Map<String, AppliedDescriptor> applied = null;
		try {
			applied = this.applied.of(uniqueId);
		}
		catch (UncheckedIOException ex) {
			error = ((error != null) ? error + "; " : "") + "applied: " + ex.getMessage();
		}
		PluginReport shown = new PluginReport(report.uniqueId(), metadata, report.cost(), report.hourlyCost(),
				report.managedResources(), error);
		return new PluginDetailDescriptor(entry(shown), metadata.configSchema(),
				this.shown.sanitize(report.managedResources(), true, ShownValues.NO_SCHEMA), config, savedPaths,
				undeclaredPaths, revision, applied);
	}

	/**
	 * Waits after a save until every live instance that has the plugin loaded applied the
	 * new revision or failed to, at most {@code wait} and {@code plugins.await-timeout}.
	 * @param uniqueId the plugin's unique id
	 * @param revision the revision saved
	 * @param wait how long the save asked to wait
	 * @return how the wait ended
	 */
	AppliedView.Awaited awaitApplied(String uniqueId, String revision, Duration wait) {
		return this.applied.await(uniqueId, revision, wait);
	}

	/**
	 * Where a saved configuration holds values, as JSON Pointers: objects are looked into,
	 * as they are merged over the schema's defaults key by key; anything else, arrays
	 * included, is one value, as it replaces a default whole. No values, only keys, which
	 * {@code config} shows anyway.
	 * @param saved the saved configuration
	 * @return the paths, in the saved configuration's order
	 */
	static List<String> savedPaths(Map<String, ?> saved) {
		List<String> paths = new ArrayList<>();
		addSavedPaths(saved, JsonPointer.empty(), paths);
		return List.copyOf(paths);
	}

	private static void addSavedPaths(Map<?, ?> object, JsonPointer at, List<String> paths) {
		object.forEach((key, value) -> {
			JsonPointer path = at.appendProperty(String.valueOf(key));
			if (value instanceof Map<?, ?> map && !map.isEmpty()) {
				addSavedPaths(map, path, paths);
			}
			else {
				paths.add(path.toString());
			}
		});
	}

	/**
	 * The changes of a dry run as the detail view would show their values: masked unless
	 * {@code show-values} allows, secrets always; paths are kept.
	 * @param uniqueId the plugin's unique id
	 * @param changes what a save would change
	 * @param securityContext who asks, for {@link Show#WHEN_AUTHORIZED}
	 * @return the changes to show
	 */
	List<ChangeDescriptor> shownChanges(String uniqueId, List<ConfigChange> changes, SecurityContext securityContext) {
		boolean show = this.showValues.isShown(securityContext, this.roles);
		SchemaWalker schema = SchemaWalker
			.of(this.registry.getRegisteredPlugin(uniqueId).map(PluginMetadata::configSchema).orElse(Map.of()));
		return changes.stream()
			.map((change) -> new ChangeDescriptor(change.path(),
					this.shown.sanitizeAt(change.path(), change.from(), show, schema),
					this.shown.sanitizeAt(change.path(), change.to(), show, schema)))
			.toList();
	}

	/**
	 * A configuration as this endpoint shows it to whoever asks: secrets always masked,
	 * other values as {@code show-values} says.
	 * @param config the values
	 * @param schema the plugin's configuration schema, which may mark values secret
	 * @param securityContext who asks
	 * @return the values to show
	 */
	Map<String, Object> shownConfig(Map<String, Object> config, Map<String, Object> schema,
			SecurityContext securityContext) {
		return this.shown.sanitize(config, this.showValues.isShown(securityContext, this.roles),
				SchemaWalker.of(schema));
	}

	/** Why an id is refused: the rule, not the id, which was sent. */
	static final String ILLEGAL_ID = "Illegal plugin unique id: use 1 to " + PluginIds.MAX_LENGTH
			+ " letters, digits, '_', '-' or '.', not starting with '.' and without '..'";

	/** An illegal id is the request's fault: a 400 that says what a legal id is. */
	static void requireValidId(String uniqueId) {
		if (!PluginIds.isValid(uniqueId)) {
			throw new InvalidEndpointRequestException("Illegal plugin unique id", ILLEGAL_ID);
		}
	}

	private PluginEntry entry(PluginReport report) {
		return this.cloudCost.withGuardRails(PluginEntry.of(report, this.shown.remoteResource(report.metadata().remoteResource())));
	}

	/**
	 * Rounds an amount of USD to 6 decimals, so that binary floating point shows
	 * {@code 105.6}, not {@code 105.60000000000001}; a millionth of a dollar is far below
	 * what any price estimate is good for.
	 */
	static double usd(double amount) {
		return BigDecimal.valueOf(amount).setScale(6, RoundingMode.HALF_EVEN).doubleValue();
	}

	private double validHours(@Nullable Double hours) {
		if (hours == null) {
			return this.defaultHours;
		}
		try {
			PluginInspector.requireValidHours(hours);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidEndpointRequestException(PluginInspector.HOURS_RULE, PluginInspector.HOURS_RULE);
		}
		return hours;
	}

	/**
	 * The endpoint's answer for all plugins.
	 *
	 * @param stats counts over all plugins
	 * @param categories every category, sorted
	 * @param managedPids the live PIDs of each plugin that has some
	 * @param cloudCost the estimated cloud cost
	 * @param plugins every plugin, in registration order
	 */
	public record PluginsDescriptor(PluginStats stats, List<CategoryDescriptor> categories,
			Map<String, List<Long>> managedPids, CloudCostDescriptor cloudCost,
			List<PluginEntry> plugins) implements OperationResponseBody {
	}

	/**
	 * One category.
	 *
	 * @param name the category
	 * @param displayName its display name
	 * @param plugins its number of plugins
	 */
	public record CategoryDescriptor(String name, String displayName, int plugins) {
	}

	/**
	 * Estimated cloud cost of the plugins with a running cloud resource.
	 *
	 * @param hours the duration estimated for
	 * @param totalUsd the summed cost for that duration
	 * @param hourlyUsd the summed cost of one hour
	 * @param byPlugin the cost for that duration by unique id
	 * @param accruedUsd the estimated USD accrued since start by the resources this
	 * instance saw running
	 * @param budget the budgets, or null when none is set
	 * @param fleet the instances sharing the JDBC store and what their resources cost, or
	 * null without the JDBC store
	 */
	public record CloudCostDescriptor(double hours, double totalUsd, double hourlyUsd, Map<String, Double> byPlugin,
			double accruedUsd, @JsonInclude(JsonInclude.Include.ALWAYS) @Nullable BudgetDescriptor budget,
			@JsonInclude(JsonInclude.Include.ALWAYS) @Nullable FleetDescriptor fleet) {
	}

	/**
	 * The cap on the summed hourly price of the running cloud resources
	 * ({@code plugins.cost.budget.*}), and those of each category.
	 *
	 * @param hourlyUsd the global cap, in USD per hour, or null when only category caps are
	 * set
	 * @param exceeded whether the resources running at the last check cost more than the
	 * global cap
	 * @param action {@code warn} or {@code terminate}
	 * @param categories the category budgets by category
	 * ({@code plugins.cost.budget.categories.*}), empty when none is set
	 */
	public record BudgetDescriptor(@JsonInclude(JsonInclude.Include.ALWAYS) @Nullable Double hourlyUsd,
			boolean exceeded, String action, Map<String, CategoryBudgetDescriptor> categories) {

		/** A global budget without category budgets. */
		public BudgetDescriptor(double hourlyUsd, boolean exceeded, String action) {
			this(hourlyUsd, exceeded, action, Map.of());
		}

	}

	/**
	 * The cap on the summed hourly price of the running cloud resources of one category's
	 * plugins.
	 *
	 * @param hourlyUsd the cap, in USD per hour
	 * @param exceeded whether the category's resources running at the last check cost more
	 * @param action {@code warn} or {@code terminate}
	 */
	public record CategoryBudgetDescriptor(double hourlyUsd, boolean exceeded, String action) {
	}

	/**
	 * The fleet: the live instances sharing the JDBC store, as the last heartbeat found them.
	 *
	 * @param instances the number of live instances, this one included
	 * @param hourlyUsd the summed hourly price of their cloud resources, those being
	 * terminated included
	 * @param byInstance the same by instance name
	 * @param error why the last heartbeat failed (the figures are then those of the last one
	 * that did), or that this instance's name is used by another live process too; absent
	 * otherwise
	 */
	public record FleetDescriptor(int instances, double hourlyUsd, Map<String, Double> byInstance,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String error) {
	}

	/**
	 * One plugin's cloud cost as the guard rails see it.
	 *
	 * @param accruedUsd the estimated USD its resources accrued since start
	 * @param lastTermination its last automatic termination, or null
	 */
	public record PluginCloudCostDescriptor(double accruedUsd,
			@JsonInclude(JsonInclude.Include.ALWAYS) @Nullable TerminationDescriptor lastTermination) {
	}

	/**
	 * A termination of a plugin's cloud resource.
	 *
	 * @param at when it was done
	 * @param reason why: {@code IDLE}, {@code LIFETIME}, {@code BUDGET}, {@code SHUTDOWN} or
	 * {@code OPERATOR}
	 * @param hourlyUsd the resource's price per hour then
	 * @param succeeded whether it succeeded; one that failed is tried again at the next check
	 * @param beforeTerminateFinished whether the plugin's {@code beforeTerminate} returned in
	 * time, without throwing, before it
	 * @param error why it failed, absent when it succeeded
	 */
	public record TerminationDescriptor(Instant at, PluginCloudResourceTerminated.Reason reason, double hourlyUsd,
			boolean succeeded, boolean beforeTerminateFinished,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String error) {
	}

	/**
	 * One plugin's entry.
	 *
	 * @param uniqueId the unique id
	 * @param name the name
	 * @param category the category
	 * @param title the display title
	 * @param version the version, or null
	 * @param description the description, or null
	 * @param executionMode where it runs
	 * @param configured whether a configuration is saved
	 * @param local whether it runs on this machine
	 * @param activeResources whether it holds processes, containers or cloud resources
	 * @param pids its live PIDs with descendants
	 * @param remoteResource its remote resource, or null; values under credential-like
	 * metadata keys are masked
	 * @param error why its instance could not be asked, absent when it could
	 * @param cloudCost the cost its cloud resources accrued and its last automatic
	 * termination, absent when it never ran one
	 */
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record PluginEntry(String uniqueId, String name, String category, String title, @Nullable String version,
			@Nullable String description, String executionMode, boolean configured, boolean local,
			boolean activeResources, List<Long> pids, @Nullable RemoteResourceInfo remoteResource,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String error,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable PluginCloudCostDescriptor cloudCost) {

		PluginEntry withCloudCost(@Nullable PluginCloudCostDescriptor cloudCost) {
			return new PluginEntry(this.uniqueId, this.name, this.category, this.title, this.version,
					this.description, this.executionMode, this.configured, this.local, this.activeResources,
					this.pids, this.remoteResource, this.error, cloudCost);
		}

		static PluginEntry of(PluginReport report, @Nullable RemoteResourceInfo remoteResource) {
			PluginMetadata plugin = report.metadata();
			return new PluginEntry(report.uniqueId(), plugin.name(), plugin.category(), plugin.title(),
					plugin.version(), plugin.description(), plugin.executionMode().value(), plugin.configured(),
					plugin.isLocalExecution(), plugin.hasActiveResources(), plugin.spawnedPids(), remoteResource,
					report.error(), null);
		}

	}

	/**
	 * One value that differs, as a dry run or a revision of the history shows it.
	 *
	 * @param path where, as a JSON Pointer into the configuration
	 * @param from the value now, null when there is none; masked as the detail view masks it
	 * @param to the value after the save (or restore), null when there would be none; masked
	 * alike
	 */
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record ChangeDescriptor(String path, @Nullable Object from, @Nullable Object to) {
	}

	/**
	 * One plugin in detail: its entry plus schema, managed resources and configuration.
	 *
	 * @param plugin the entry, whose fields appear at the top level
	 * @param configSchema the JSON Schema of its configuration
	 * @param managedResources what its instance reports it manages; values under
	 * credential-like keys are masked
	 * @param config its effective configuration (saved values over the schema's defaults),
	 * masked unless {@code show-values} allows; fields the schema marks
	 * {@code writeOnly} or {@code format: password}, and keys that name credentials, are
	 * always masked
	 * @param savedPaths where the saved configuration holds values, as JSON Pointers
	 * (objects looked into, any other value one path, an array whole), empty when none is
	 * saved: tells a saved value from a schema default where both are masked
	 * @param undeclaredPaths where the saved configuration holds keys the schema does not
	 * declare, as JSON Pointers, empty when none: most likely misspelt settings, which the
	 * plugin ignores (see {@link PluginConfigSchema#undeclaredPaths})
	 * @param revision the revision of the saved configuration, null when none is saved: send
	 * it back with a save so that it fails rather than overwrite a change made in between
	 * @param applied what each live instance that has the plugin loaded applied last, by
	 * instance name (with the file store, this instance only); empty when none has it
	 * loaded; null when it cannot be read now ({@code error} says why)
	 */
	public record PluginDetailDescriptor(@JsonUnwrapped PluginEntry plugin, Map<String, Object> configSchema,
			Map<String, Object> managedResources, Map<String, Object> config, List<String> savedPaths,
			List<String> undeclaredPaths, @JsonInclude(JsonInclude.Include.ALWAYS) @Nullable String revision,
			@JsonInclude(JsonInclude.Include.ALWAYS) @Nullable Map<String, AppliedDescriptor> applied)
			implements OperationResponseBody {

		/**
		 * The same view with other applied revisions, such as those an await saw last.
		 * @param applied the applied revisions, or null when unknown
		 * @return the view
		 */
		PluginDetailDescriptor withApplied(@Nullable Map<String, AppliedDescriptor> applied) {
			return new PluginDetailDescriptor(this.plugin, this.configSchema, this.managedResources, this.config,
					this.savedPaths, this.undeclaredPaths, this.revision, applied);
		}

	}

}
