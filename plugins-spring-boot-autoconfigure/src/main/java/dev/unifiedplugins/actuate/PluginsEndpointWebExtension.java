package dev.unifiedplugins.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.unifiedplugins.actuate.PluginsEndpoint.ChangeDescriptor;
import dev.unifiedplugins.actuate.PluginsEndpoint.PluginDetailDescriptor;
import dev.unifiedplugins.config.ConfigCheck;
import dev.unifiedplugins.config.ConfigJson;
import dev.unifiedplugins.config.ConfigViolation;
import dev.unifiedplugins.config.PluginConfigBusyException;
import dev.unifiedplugins.config.PluginConfigValidationException;
import dev.unifiedplugins.config.PluginConfigWriteOutcomeUnknownException;
import dev.unifiedplugins.config.PluginIds;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.shutdown.PluginCleanup;
import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.annotation.RegisterReflectionForBinding;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * The write operations of the {@code plugins} endpoint over HTTP, where each outcome has
 * its status: save a plugin's configuration, delete it, stop the plugin's resources. Served
 * only with {@code management.endpoint.plugins.access=unrestricted}; the endpoint is
 * read-only by default.
 * <ul>
 * <li>{@code POST /actuator/plugins/{uniqueId}} with {@code {"config": {...}, "revision":
 * "..."}} (or the configuration as JSON text, {@code "config": "{...}"}): 200 with the
 * plugin's detail view and its new revision; 400 with every violation; 404 for an unknown
 * plugin; 409 when the stored revision is another; 413 when the body is larger than
 * {@code plugins.max-config-size}; 503 (with {@code Retry-After}) when the store failed or
 * another writer held the plugin longer than {@code plugins.lock-timeout}. A {@code revision} that is absent or null saves whatever is stored
 * (the last writer wins); an empty one expects that nothing is stored. A loaded plugin is
 * asked to validate the configuration after its schema: a refusal is a 400 with the
 * plugin's message. With {@code "dryRun": true}, every check runs and nothing is written:
 * 200 with {@code {"dryRun": true, "valid": true, "changes": [...], "savedChanges": [...]}},
 * or the answer the save would get. With {@code "await": "5s"}, a save answers once every live instance that
 * has the plugin loaded applied the new revision or failed to, or the wait (at most
 * {@code plugins.await-timeout}) ran out: the detail view with {@code "awaited": true} or
 * {@code false}.</li>
 * <li>{@code POST /actuator/plugins/{uniqueId}} with {@code {"restore": "<revision>",
 * "revision": "<current>"}}: restores that revision of the history, secrets included, as a
 * new revision, checked as a save; the same answers as a save, and 404 for a revision the
 * history does not have, 400 for a deletion.</li>
 * <li>{@code GET /actuator/plugins/{uniqueId}/revisions}: the history, newest first;
 * {@code GET /actuator/plugins/{uniqueId}/revisions/{revision}}: one revision with its
 * configuration, masked as the detail view masks, and what restoring it would change; 404
 * for an unknown plugin or revision.
 * These are reads, served with read-only access too.</li>
 * <li>{@code DELETE /actuator/plugins/{uniqueId}}: 200 with the detail view, back to
 * defaults.</li>
 * <li>{@code DELETE /actuator/plugins/{uniqueId}/resources}: 200 with what was done and
 * what failed.</li>
 * </ul>
 */
@EndpointWebExtension(endpoint = PluginsEndpoint.class)
@RegisterReflectionForBinding({ PluginsEndpointWebExtension.ViolationsDescriptor.class,
		PluginsEndpointWebExtension.MessageDescriptor.class, PluginsEndpointWebExtension.ResourcesDescriptor.class,
		PluginsEndpointWebExtension.DryRunDescriptor.class, ChangeDescriptor.class,
		PluginsEndpointWebExtension.RevisionsDescriptor.class, PluginsEndpointWebExtension.RevisionDetailDescriptor.class })
public class PluginsEndpointWebExtension {

	/** The last path segment of the resources operation. */
	static final String RESOURCES = "resources";

	/** The path segment of the history's operations, after the unique id. */
	static final String REVISIONS = "revisions";

	private final PluginsEndpoint endpoint;

	private final UnifiedPluginRegistry registry;

	private final PluginsEndpointWriter writer;

	private final ConfigHistoryView history;

	/**
	 * Creates the extension.
	 * @param endpoint the endpoint, for the detail view answered after a write
	 * @param registry the registry, for which plugins exist
	 * @param writer the writes
	 */
	public PluginsEndpointWebExtension(PluginsEndpoint endpoint, UnifiedPluginRegistry registry,
			PluginsEndpointWriter writer) {
		this.endpoint = Objects.requireNonNull(endpoint, "endpoint must not be null");
		this.registry = Objects.requireNonNull(registry, "registry must not be null");
		this.writer = Objects.requireNonNull(writer, "writer must not be null");
		this.history = new ConfigHistoryView(registry, endpoint);
	}

	/**
	 * One plugin's detail view over the web, as {@link PluginsEndpoint#plugin}, with a
	 * message for what is wrong: an illegal id is a 400 saying why, an unknown one a 404
	 * naming it.
	 * @param uniqueId the plugin's unique id
	 * @param securityContext who reads, for the masking of values
	 * @return the detail view, or why there is none
	 */
	@ReadOperation
	public WebEndpointResponse<Object> plugin(@Selector String uniqueId, SecurityContext securityContext) {
		if (!PluginIds.isValid(uniqueId)) {
			return illegalId();
		}
		return detail(uniqueId, securityContext);
	}

	/**
	 * Saves a plugin's configuration, validated against its schema and by the loaded
	 * plugin; or, as a dry run, only checks it and says what a save would change.
	 * @param uniqueId the plugin's unique id
	 * @param config the configuration as JSON text: Spring Boot binds each top-level key of
	 * the request body to a parameter as a simple value, so {@link PluginsEndpointBodyFilter}
	 * and {@link PluginsEndpointBodyWebFilter} turn an object sent there into its text; a
	 * {@code "******"} in it stands for the saved value at its place
	 * @param revision the revision read, null for any (the last writer wins), empty when none
	 * was read
	 * @param restore instead of {@code config}, a revision of the history to restore
	 * @param dryRun true to check only: every check of a save, nothing written, and the
	 * changes the save would make, with values masked as the detail view masks them;
	 * null or false to save
	 * @param await how long to wait, after the save, for every live instance that has the
	 * plugin loaded to apply the new revision or fail to: a duration such as {@code "5s"}
	 * (a number alone is seconds), cut to {@code plugins.await-timeout}; null not to wait
	 * @param securityContext who saves
	 * @return the detail view, the dry run's changes, or why nothing was saved
	 */
	@WriteOperation
	public WebEndpointResponse<Object> save(@Selector String uniqueId, @Nullable String config,
			@Nullable String revision, @Nullable String restore, @Nullable Boolean dryRun, @Nullable String await,
			SecurityContext securityContext) {
		if (!PluginIds.isValid(uniqueId)) {
			return illegalId();
		}
		if (this.registry.getRegisteredPlugin(uniqueId).isEmpty()) {
			return notFound(uniqueId);
		}
		Duration awaitFor;
		try {
			awaitFor = (await != null) ? AppliedView.parse(await) : null;
		}
		catch (IllegalArgumentException ex) {
			return badRequest(new ConfigViolation("", ex.getMessage()));
		}
		if (restore != null) {
			if (Boolean.TRUE.equals(dryRun)) {
				return badRequest(new ConfigViolation("", "A dry run checks a config, not a restore"));
			}
			return restore(uniqueId, restore, config, revision, awaitFor, securityContext);
		}
		Map<String, Object> values;
		try {
			values = parse(uniqueId, config);
		}
		catch (PluginConfigValidationException ex) {
			return WriteFailures.answer("save", uniqueId, ex);
		}
		boolean checkOnly = Boolean.TRUE.equals(dryRun);
		ConfigCheck checked = null;
		String saved = null;
		try {
			if (checkOnly) {
				checked = this.writer.check(uniqueId, values, PluginsEndpointWriter.expected(revision),
						securityContext.getPrincipal());
			}
			else {
				saved = this.writer.save(uniqueId, values, PluginsEndpointWriter.expected(revision),
						securityContext.getPrincipal());
			}
		}
		catch (RuntimeException ex) {
			return WriteFailures.answer(checkOnly ? "check" : "save", uniqueId, ex);
		}
		if (checked != null) {
			return new WebEndpointResponse<>(new DryRunDescriptor(true, true,
					this.endpoint.shownChanges(uniqueId, checked.changes(), securityContext),
					this.endpoint.shownChanges(uniqueId, checked.savedChanges(), securityContext)));
		}
		return (saved != null && awaitFor != null) ? awaited(uniqueId, saved, awaitFor, securityContext)
				: detail(uniqueId, securityContext);
	}

	/**
	 * The detail view after a save that waits for the instances to apply it, with what the
	 * wait saw last as {@code applied}.
	 */
	private WebEndpointResponse<Object> awaited(String uniqueId, String revision, Duration wait,
			SecurityContext securityContext) {
		AppliedView.Awaited outcome = this.endpoint.awaitApplied(uniqueId, revision, wait);
		PluginDetailDescriptor detail = this.endpoint.plugin(uniqueId, securityContext);
		if (detail == null) {
			return notFound(uniqueId);
		}
		return new WebEndpointResponse<>(new AwaitedSaveDescriptor(
				(outcome.applied() != null) ? detail.withApplied(outcome.applied()) : detail, outcome.awaited()));
	}

	/**
	 * Restores a revision of the plugin's history: {@code POST} with {@code "restore"}.
	 * Server-side: the configuration of that revision is saved as it was stored, its secrets
	 * included, never one sent by the client.
	 */
	private WebEndpointResponse<Object> restore(String uniqueId, String restore, @Nullable String config,
			@Nullable String revision, @Nullable Duration awaitFor, SecurityContext securityContext) {
		if (config != null) {
			return badRequest(new ConfigViolation("", "Send either config or restore, not both"));
		}
		String restored;
		try {
			restored = this.writer.restore(uniqueId, restore, PluginsEndpointWriter.expected(revision),
					securityContext.getPrincipal());
		}
		catch (RuntimeException ex) {
			return WriteFailures.answer("restore", uniqueId, ex);
		}
		return (awaitFor != null) ? awaited(uniqueId, restored, awaitFor, securityContext)
				: detail(uniqueId, securityContext);
	}

	/**
	 * A plugin's configuration history, newest first: each revision with when and by which
	 * instance it was written, and whether it is a deletion.
	 * @param uniqueId the plugin's unique id
	 * @param revisions the literal {@value #REVISIONS}
	 * @return the history, or why there is none
	 */
	@ReadOperation
	public WebEndpointResponse<Object> revisions(@Selector String uniqueId, @Selector String revisions) {
		WebEndpointResponse<Object> refused = refusedHistory(uniqueId, revisions);
		return (refused != null) ? refused : this.history.revisions(uniqueId);
	}

	/**
	 * One revision of a plugin's configuration history, with its configuration as stored,
	 * masked as the detail view masks; none for a deletion.
	 * @param uniqueId the plugin's unique id
	 * @param revisions the literal {@value #REVISIONS}
	 * @param revision the revision
	 * @param securityContext who reads, for the masking of values
	 * @return the revision, or why there is none
	 */
	@ReadOperation
	public WebEndpointResponse<Object> revision(@Selector String uniqueId, @Selector String revisions,
			@Selector String revision, SecurityContext securityContext) {
		WebEndpointResponse<Object> refused = refusedHistory(uniqueId, revisions);
		return (refused != null) ? refused : this.history.revision(uniqueId, revision, securityContext);
	}

	/** Why a request for a history is answered without one: an illegal id, another path, an unknown plugin. */
	private @Nullable WebEndpointResponse<Object> refusedHistory(String uniqueId, String revisions) {
		if (!PluginIds.isValid(uniqueId)) {
			return illegalId();
		}
		if (!REVISIONS.equals(revisions)) {
			return new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
		}
		return this.registry.getRegisteredPlugin(uniqueId).isEmpty() ? notFound(uniqueId) : null;
	}

	/**
	 * Reads the configuration's JSON text exactly as sent, or refuses it: see
	 * {@link ConfigJson#parseSent}. Messages say where the text is wrong, never what it
	 * holds there.
	 * @throws PluginConfigValidationException with the path and the problem
	 */
	static Map<String, Object> parse(String uniqueId, @Nullable String config) {
		if (config == null) {
			throw new PluginConfigValidationException(uniqueId,
					List.of(new ConfigViolation("", "config is required: send the configuration as {\"config\": {...}}")));
		}
		return ConfigJson.parseSent(uniqueId, config);
	}

	/**
	 * Deletes a plugin's saved configuration, which puts it back to its defaults.
	 * @param uniqueId the plugin's unique id
	 * @param securityContext who deletes
	 * @return the detail view, or why nothing was deleted
	 */
	@DeleteOperation
	public WebEndpointResponse<Object> delete(@Selector String uniqueId, SecurityContext securityContext) {
		if (!PluginIds.isValid(uniqueId)) {
			return illegalId();
		}
		if (this.registry.getRegisteredPlugin(uniqueId).isEmpty()) {
			return notFound(uniqueId);
		}
		try {
			if (!this.writer.delete(uniqueId, securityContext.getPrincipal())) {
				return WriteFailures.storeFailed("delete", uniqueId);
			}
		}
		catch (PluginConfigBusyException | PluginConfigWriteOutcomeUnknownException ex) {
			return WriteFailures.answer("delete", uniqueId, ex);
		}
		return detail(uniqueId, securityContext);
	}

	/**
	 * Stops a plugin's resources: {@code forceCleanup()} of a lifecycle-aware instance and
	 * {@code terminateRemoteResource()} of a cloud-aware one, each bounded by
	 * {@code plugins.resource-timeout}, then the end of the processes it managed that still
	 * run.
	 * @param uniqueId the plugin's unique id
	 * @param resources the literal {@value #RESOURCES}
	 * @param securityContext who stops them
	 * @return what was done and what failed
	 */
	@DeleteOperation
	public WebEndpointResponse<Object> stopResources(@Selector String uniqueId, @Selector String resources,
			SecurityContext securityContext) {
		if (!PluginIds.isValid(uniqueId)) {
			return illegalId();
		}
		if (!RESOURCES.equals(resources)) {
			return new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
		}
		if (this.registry.getRegisteredPlugin(uniqueId).isEmpty()) {
			return notFound(uniqueId);
		}
		PluginCleanup cleanup = this.writer.stopResources(uniqueId, securityContext.getPrincipal());
		return new WebEndpointResponse<>(new ResourcesDescriptor(cleanup.cleanedUp(), cleanup.terminated(),
				cleanup.endedPids(), cleanup.errors()));
	}

	/**
	 * An id that is not legal, answered here rather than with Spring Boot's 400, whose
	 * error body carries no message: the rule, without the id, which was sent.
	 */
	private static WebEndpointResponse<Object> illegalId() {
		return badRequest(new ConfigViolation("", PluginsEndpoint.ILLEGAL_ID));
	}

	static WebEndpointResponse<Object> badRequest(ConfigViolation violation) {
		return new WebEndpointResponse<>(new ViolationsDescriptor(List.of(violation)),
				WebEndpointResponse.STATUS_BAD_REQUEST);
	}

	private WebEndpointResponse<Object> detail(String uniqueId, SecurityContext securityContext) {
		PluginDetailDescriptor detail = this.endpoint.plugin(uniqueId, securityContext);
		return (detail != null) ? new WebEndpointResponse<>(detail) : notFound(uniqueId);
	}

	private static WebEndpointResponse<Object> notFound(String uniqueId) {
		return new WebEndpointResponse<>(new MessageDescriptor("No plugin '" + uniqueId + "' is registered"),
				WebEndpointResponse.STATUS_NOT_FOUND);
	}

	/**
	 * A configuration refused: every way in which it breaks the plugin's schema.
	 *
	 * @param violations each with its JSON Pointer and message, never the value
	 */
	public record ViolationsDescriptor(List<ConfigViolation> violations) implements OperationResponseBody {
	}

	/**
	 * A dry run's answer: the configuration passed every check a save makes, and nothing
	 * was written.
	 *
	 * @param dryRun always true: nothing was written
	 * @param valid always true: a configuration that fails a check gets the save's 400
	 * @param changes what the save would change, path by path, in the order of the keys;
	 * empty when nothing: the effective values, each the saved one else the schema's default
	 * @param savedChanges what the save would change in the saved configuration itself,
	 * without defaults: where nothing is saved yet, every value the save would store, even
	 * those equal to their defaults, which are no change in {@code changes}; empty exactly
	 * when the save would store what is stored now
	 */
	public record DryRunDescriptor(boolean dryRun, boolean valid, List<ChangeDescriptor> changes,
			List<ChangeDescriptor> savedChanges) implements OperationResponseBody {
	}

	/**
	 * Why a write was not done.
	 *
	 * @param message what went wrong, naming the plugin, never a value
	 */
	public record MessageDescriptor(String message) implements OperationResponseBody {
	}

	/**
	 * A plugin's configuration history.
	 *
	 * @param revisions its revisions, newest first
	 */
	public record RevisionsDescriptor(List<RevisionDescriptor> revisions) implements OperationResponseBody {
	}

	/**
	 * One revision of a plugin's configuration history.
	 *
	 * @param revision the revision, as the detail view shows it and a restore takes it
	 * @param writtenAt when it was written
	 * @param writtenBy the instance that wrote it, null when the store cannot tell (a change
	 * made outside this library)
	 * @param deleted whether it is a deletion
	 */
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record RevisionDescriptor(String revision, Instant writtenAt, @Nullable String writtenBy,
			boolean deleted) {
	}

	/**
	 * One revision with its configuration.
	 *
	 * @param entry the revision
	 * @param config its configuration as stored, masked as the detail view masks; null for a
	 * deletion
	 * @param changes what restoring it would change, as a dry run lists them: the current
	 * effective configuration ({@code from}) against the revision's over the schema's
	 * defaults ({@code to}), values masked as the detail view masks them, paths always
	 * shown, so that a hidden value that differs is listed; null for a deletion, or when the
	 * current configuration cannot be read
	 */
	public record RevisionDetailDescriptor(@JsonUnwrapped RevisionDescriptor entry,
			@JsonInclude(JsonInclude.Include.ALWAYS) @Nullable Map<String, Object> config,
			@JsonInclude(JsonInclude.Include.ALWAYS) @Nullable List<ChangeDescriptor> changes)
			implements OperationResponseBody {
	}

	/**
	 * What stopping a plugin's resources did.
	 *
	 * @param cleanedUp whether the instance is lifecycle-aware and its {@code forceCleanup()}
	 * returned in time
	 * @param terminated whether the instance is cloud-aware and its
	 * {@code terminateRemoteResource()} returned true in time
	 * @param endedPids the processes it managed that still ran after its cleanup, which the
	 * registry ended
	 * @param errors what failed
	 */
	public record ResourcesDescriptor(boolean cleanedUp, boolean terminated, List<Long> endedPids,
			List<String> errors) implements OperationResponseBody {
	}

}
