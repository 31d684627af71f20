package dev.unifiedplugins.config;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * What a save expects to find stored: anything (the last writer wins), nothing, or the
 * revision the caller read.
 */
public final class ExpectedRevision {

	private static final ExpectedRevision ANY = new ExpectedRevision(true, null);

	private static final ExpectedRevision NONE = new ExpectedRevision(false, null);

	private final boolean any;

	private final @Nullable String revision;

	private ExpectedRevision(boolean any, @Nullable String revision) {
		this.any = any;
		this.revision = revision;
	}

	/** {@return an expectation of nothing in particular: the save replaces whatever is stored} */
	public static ExpectedRevision any() {
		return ANY;
	}

	/** {@return an expectation that no configuration is stored} */
	public static ExpectedRevision none() {
		return NONE;
	}

	/**
	 * Expects the stored configuration to have a revision.
	 * @param revision the revision the caller read
	 * @return the expectation
	 */
	public static ExpectedRevision of(String revision) {
		return new ExpectedRevision(false, Objects.requireNonNull(revision, "revision must not be null"));
	}

	/**
	 * Whether a stored revision meets this expectation.
	 * @param stored the stored revision, null when nothing is stored
	 * @return true when the save may go ahead
	 */
	public boolean matches(@Nullable String stored) {
		return this.any || Objects.equals(this.revision, stored);
	}

	/** {@return whether this expects nothing in particular: true for {@link #any()}} */
	public boolean isAny() {
		return this.any;
	}

	/** {@return the revision expected, null for {@link #any()} and {@link #none()}} */
	public @Nullable String revision() {
		return this.revision;
	}

	@Override
	public String toString() {
		return this.any ? "any revision" : (this.revision != null) ? "revision " + this.revision : "no configuration";
	}

}
