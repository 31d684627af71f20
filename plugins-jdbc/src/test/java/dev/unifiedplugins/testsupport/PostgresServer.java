package dev.unifiedplugins.testsupport;

import java.io.IOException;
import java.util.Objects;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real PostgreSQL from Maven Central binaries, started once for a test class:
 * {@code @RegisterExtension static final PostgresServer postgres = new PostgresServer();}.
 * Zonky's own JUnit extension starts one per test, which is too slow for these classes.
 */
public final class PostgresServer implements BeforeAllCallback, AfterAllCallback {

	private EmbeddedPostgres server;

	@Override
	public void beforeAll(ExtensionContext context) throws IOException {
		this.server = EmbeddedPostgres.start();
	}

	@Override
	public void afterAll(ExtensionContext context) throws IOException {
		this.server.close();
		this.server = null;
	}

	/** The running server. */
	public EmbeddedPostgres get() {
		return Objects.requireNonNull(this.server, "the server starts before the class's tests");
	}

	public int getPort() {
		return get().getPort();
	}

	/** The JDBC URL of the {@code postgres} database, user {@code postgres}. */
	public String getJdbcUrl() {
		return get().getJdbcUrl("postgres", "postgres");
	}

}
