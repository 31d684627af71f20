package dev.unifiedplugins.sample;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * The sample on the JDBC store, with a PostgreSQL of its own, for trying several instances
 * with one command: {@code ./mvnw -pl sample-app -am spring-boot:test-run}.
 * <p>
 * It runs the sample with its {@code shared} profile ({@code plugins.store-type=jdbc},
 * {@code initialize-schema=always}) on an embedded PostgreSQL (zonky, binaries from Maven
 * Central, no installation and no Docker) listening on port 54329, or
 * {@code sample.dev.postgres-port} ({@code SAMPLE_DEV_POSTGRES_PORT}; 0 picks a free one),
 * with a database {@code plugins} owned by user {@code plugins}, password {@code plugins}:
 * the {@code shared} profile's defaults. Once started it logs the command that starts a
 * second instance on the same database. The database lives in a temporary directory and
 * stops, its data gone, when this application stops.
 * <p>
 * {@code spring-boot:test-run} finds this class as the only main class of the test
 * sources; another one there would need {@code -Dspring-boot.run.main-class}.
 */
public final class TestSampleApplication {

	private TestSampleApplication() {
	}

	public static void main(String[] args) {
		application().run(args);
	}

	/** The sample, its {@code shared} profile and {@link DevPostgres}. */
	static SpringApplication.Augmented application() {
		return SpringApplication.from(SampleApplication::main).with(DevPostgres.class).withAdditionalProfiles("shared");
	}

	/**
	 * An embedded PostgreSQL that the sample's {@code DataSource} connects to, and the
	 * instructions for a second instance.
	 */
	@TestConfiguration(proxyBeanMethods = false)
	static class DevPostgres {

		/** The port the database listens on unless {@code sample.dev.postgres-port} says otherwise. */
		static final int DEFAULT_PORT = 54329;

		/** The database, its owner and the owner's password: the {@code shared} profile's defaults. */
		static final String NAME = "plugins";

		private static final Logger logger = LoggerFactory.getLogger(TestSampleApplication.class);

		@Bean(destroyMethod = "close")
		EmbeddedPostgres devPostgres(Environment environment) throws IOException, SQLException {
			int port = environment.getProperty("sample.dev.postgres-port", Integer.class, DEFAULT_PORT);
			// Zonky would take a PostgreSQL already listening there for the one it started.
			if (port != 0 && !isFree(port)) {
				throw new IllegalStateException("Port " + port + " is taken, perhaps by the database of a sample"
						+ " started before: choose another with sample.dev.postgres-port (0: any free port), e.g."
						+ " ./mvnw -pl sample-app -am spring-boot:test-run"
						+ " -Dspring-boot.run.arguments=--sample.dev.postgres-port=" + (port + 1));
			}
			// Stopped as this bean is destroyed, after the beans that use it; zonky's own
			// shutdown hook would stop it while the application still shuts down.
			EmbeddedPostgres postgres = EmbeddedPostgres.builder().setPort(port).setRegisterShutdownHook(false).start();
			try (Connection connection = postgres.getPostgresDatabase().getConnection();
					Statement statement = connection.createStatement()) {
				statement.execute("CREATE ROLE " + NAME + " LOGIN PASSWORD '" + NAME + "'");
				statement.execute("CREATE DATABASE " + NAME + " OWNER " + NAME);
			}
			catch (SQLException ex) {
				postgres.close();
				throw ex;
			}
			return postgres;
		}

		static boolean isFree(int port) {
			try (ServerSocket socket = new ServerSocket()) {
				socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
				return true;
			}
			catch (IOException ex) {
				return false;
			}
		}

		/** Boot's {@code DataSource} (HikariCP) connects here, whatever {@code spring.datasource.url} says. */
		@Bean
		JdbcConnectionDetails devPostgresConnectionDetails(EmbeddedPostgres postgres) {
			String url = url(postgres);
			return new JdbcConnectionDetails() {

				@Override
				public String getJdbcUrl() {
					return url;
				}

				@Override
				public String getUsername() {
					return NAME;
				}

				@Override
				public String getPassword() {
					return NAME;
				}

			};
		}

		@Bean
		ApplicationListener<ApplicationReadyEvent> secondInstanceInstructions(EmbeddedPostgres postgres) {
			return (event) -> {
				int port = (event.getApplicationContext() instanceof WebServerApplicationContext web)
						? web.getWebServer().getPort() : 8080;
				logger.info(instructions(url(postgres), port));
			};
		}

		static String url(EmbeddedPostgres postgres) {
			return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + NAME;
		}

		/** The command for a second instance on the database, and a save to watch travel. */
		static String instructions(String url, int port) {
			int second = port + 1;
			String save = "curl -s -X POST localhost:" + port + "/actuator/plugins/transcription_whisper_tiny"
					+ " -H 'Content-Type: application/json' -d '{\"config\": {\"device\": \"cuda\"}}'";
			String read = "curl -s localhost:" + second + "/actuator/plugins/transcription_whisper_tiny";
			return String.join(System.lineSeparator(), "", "",
					"  The sample keeps its plugin configurations in PostgreSQL (plugins.store-type=jdbc):",
					"    " + url + ", user " + NAME + ", password " + NAME + ".",
					"  The database runs until this application stops; its data is temporary.",
					"  Start a second instance on it, in another terminal, from the project's directory:",
					"    " + secondInstanceCommand(url, second), "  Save on this one and read on the other:",
					"    " + save, "    " + read + "   # \"configured\": true", "");
		}

		static String secondInstanceCommand(String url, int port) {
			return "SAMPLE_DB_URL=" + url + " ./mvnw -pl sample-app -am spring-boot:run"
					+ " -Dspring-boot.run.profiles=shared -Dspring-boot.run.arguments=\"--server.port=" + port
					+ " --plugins.config-dir=configs-2\"";
		}

	}

}
