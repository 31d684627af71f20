package dev.unifiedplugins.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SensitiveKeys}: credential keys, and keys that say where data goes.
 */
class SensitiveKeysTests {

	@Test
	void credentialLikeKeysAreSensitive() {
		assertThat(SensitiveKeys.isSensitive("api_key")).isTrue();
		assertThat(SensitiveKeys.isSensitive("auth.client_secret")).isTrue();
		assertThat(SensitiveKeys.isSensitive("hfToken")).isTrue();
		assertThat(SensitiveKeys.isSensitive("endpoint_url")).isFalse();
		assertThat(SensitiveKeys.isSensitive(null)).isFalse();
	}

	@Test
	void keysEndingInAPlaceDataGoesToAreDestinations() {
		for (String key : new String[] { "endpoint_url", "baseUrl", "BASE_URL", "redirect_uri", "proxy_host",
				"hostname", "endpoint", "api.endpoint", "smtp_server", "email_address" }) {
			assertThat(SensitiveKeys.isDestination(key)).as(key).isTrue();
		}
		for (String key : new String[] { "api_key", "url_timeout", "host_count", "model", "port", "", "urlencoded",
				"servers", "urls", "hosts", "addresses" }) {
			assertThat(SensitiveKeys.isDestination(key)).as(key).isFalse();
		}
		assertThat(SensitiveKeys.isDestination(null)).isFalse();
	}

}
