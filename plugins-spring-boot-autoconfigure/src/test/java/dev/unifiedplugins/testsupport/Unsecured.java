package dev.unifiedplugins.testsupport;

import java.util.List;

/**
 * Spring Security is on this module's test class path: tests about the endpoint's bodies
 * and values, not its security, start their applications without it.
 */
public final class Unsecured {

	/** The command-line argument that leaves out Spring Boot's security auto-configurations. */
	public static final String EXCLUDE = "--spring.autoconfigure.exclude=" + String.join(",", List.of(
			"org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
			"org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
			"org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration",
			"org.springframework.boot.security.autoconfigure.actuate.web.reactive.ReactiveManagementWebSecurityAutoConfiguration",
			"org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration",
			"org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration",
			"org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration",
			"org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration"));

	private Unsecured() {
	}

}
