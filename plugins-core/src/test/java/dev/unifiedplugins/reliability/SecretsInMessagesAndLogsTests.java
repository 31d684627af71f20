package dev.unifiedplugins.reliability;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.unifiedplugins.config.FileSystemPluginConfigStore;
import dev.unifiedplugins.config.PluginConfigException;
import dev.unifiedplugins.config.SensitiveKeys;
import dev.unifiedplugins.core.PluginDescriptor;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.testsupport.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Configuration values never appear in exception messages or logs: errors name the key
 * path and the file, never the value. Every message is checked with its whole cause chain,
 * as a log would print it.
 */
class SecretsInMessagesAndLogsTests {

	private static final String SECRET = "hunter2-s3cr3t";

	@TempDir
	Path dir;

	private LogCapture log;

	@BeforeEach
	void captureLogs() {
		this.log = LogCapture.start();
	}

	@AfterEach
	void logsNeverHoldTheSecret() {
		this.log.close();
		assertThat(this.log.text()).doesNotContain(SECRET);
	}

	@Test
	void credentialLikeKeysAreRecognized() {
		assertThat(List.of("password", "api_key", "apiKey", "API-KEY", "auth.client_secret", "token", "db_passwd",
				"private_key", "Authorization", "session_id"))
			.allSatisfy((key) -> assertThat(SensitiveKeys.isSensitive(key)).as(key).isTrue());
		assertThat(List.of("model", "temperature", "host", "max_tokens_hint".replace("tokens", "words")))
			.allSatisfy((key) -> assertThat(SensitiveKeys.isSensitive(key)).as(key).isFalse());
	}

	@Test
	void outOfRangeNumberUnderACredentialKeyIsRejectedWithoutItsValue() {
		Throwable error = catchThrowable(() -> new FileSystemPluginConfigStore(this.dir).save("llm_gpt",
				Map.of("auth", Map.of("password", new BigDecimal("4.2e400")))));
		assertThat(error).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("auth.password")
			.hasMessageContaining("llm_gpt");
		assertThat(chain(error)).doesNotContain("4.2");
	}

	@Test
	void tooPreciseNumberIsRejectedWithoutItsValue() {
		Throwable error = catchThrowable(() -> new UnifiedPluginRegistry(this.dir).savePluginConfig("llm_gpt",
				Map.of("api_key", new BigDecimal("0.98765432109876543210987"))));
		assertThat(error).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("api_key");
		assertThat(chain(error)).doesNotContain("98765");
	}

	@Test
	void tooLongStringIsRejectedWithoutItsValue() {
		Throwable error = catchThrowable(() -> new FileSystemPluginConfigStore(this.dir, 64).save("llm_gpt",
				Map.of("api_key", "sk-" + "secret".repeat(20))));
		assertThat(error).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("api_key");
		assertThat(chain(error)).doesNotContain("secret");
	}

	@Test
	void nonJsonValueIsRejectedWithoutItsValue() {
		Object secretHolder = new Object() {
			@Override
			public String toString() {
				return SECRET;
			}
		};
		Map<String, Object> config = new LinkedHashMap<>();
		config.put("password", secretHolder);
		Throwable error = catchThrowable(() -> new FileSystemPluginConfigStore(this.dir).save("llm_gpt", config));
		assertThat(error).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'password'");
		assertThat(chain(error)).doesNotContain(SECRET);

		Throwable optional = catchThrowable(
				() -> new FileSystemPluginConfigStore(this.dir).save("llm_gpt", Map.of("token", Optional.of(SECRET))));
		assertThat(optional).hasMessageContaining("'token'");
		assertThat(chain(optional)).doesNotContain(SECRET);
	}

	@Test
	void corruptConfigFileErrorNamesTheFileButNotItsContent() throws Exception {
		// An unquoted value is a JSON syntax error whose parser message would quote it.
		Files.writeString(this.dir.resolve("llm_gpt.json"), "{\"password\": " + SECRET + "}");
		Throwable error = catchThrowable(() -> new FileSystemPluginConfigStore(this.dir).load("llm_gpt"));
		assertThat(error).isInstanceOf(PluginConfigException.class).hasMessageContaining("llm_gpt.json");
		assertThat(chain(error)).doesNotContain(SECRET).doesNotContain("hunter2");
	}

	@Test
	void truncatedConfigFileErrorDoesNotQuoteItsContent() throws Exception {
		Files.writeString(this.dir.resolve("llm_gpt.json"), "{\"password\": \"" + SECRET);
		Throwable error = catchThrowable(() -> new UnifiedPluginRegistry(this.dir).loadPluginConfig("llm_gpt"));
		assertThat(error).isInstanceOf(PluginConfigException.class).hasMessageContaining("llm_gpt.json");
		assertThat(chain(error)).doesNotContain(SECRET).doesNotContain("hunter2");
	}

	@Test
	void nonUtf8ConfigFileErrorDoesNotQuoteItsContent() throws Exception {
		byte[] latin1 = ("{\"password\": \"" + SECRET + "\u00e9\"}").getBytes(StandardCharsets.ISO_8859_1);
		Files.write(this.dir.resolve("llm_gpt.json"), latin1);
		Throwable error = catchThrowable(() -> new FileSystemPluginConfigStore(this.dir).load("llm_gpt"));
		assertThat(error).isInstanceOf(PluginConfigException.class).hasMessageContaining("UTF-8");
		assertThat(chain(error)).doesNotContain(SECRET);
	}

	@Test
	void failedWriteIsLoggedWithoutTheConfig() throws Exception {
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(this.dir);
		registry.registerPluginManager("llm", () -> List.of(PluginDescriptor.builder("gpt").build()));
		// A directory where the file would go makes the rename fail, even for root.
		Files.createDirectories(this.dir.resolve("llm_gpt.json/occupied"));

		assertThat(registry.savePluginConfig("llm_gpt", Map.of("api_key", SECRET))).isFalse();

		assertThat(this.log.text()).contains("llm_gpt");
	}

	private static String chain(Throwable error) {
		StringBuilder text = new StringBuilder();
		for (Throwable cause = error; cause != null; cause = cause.getCause()) {
			text.append(cause).append('\n');
			for (Throwable suppressed : cause.getSuppressed()) {
				text.append(suppressed).append('\n');
			}
		}
		return text.toString();
	}

}
