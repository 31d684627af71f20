package dev.unifiedplugins.config;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonProperty.Access;
import org.jspecify.annotations.Nullable;

/**
 * A configuration whose generated schema holds records behind references: a record used
 * more than once, a record that holds itself, and records in an array and in a map.
 * Write-only properties are secrets no key name gives away.
 */
public record HubConfig(Licence primary, Licence fallback, @JsonProperty(access = Access.WRITE_ONLY) String hfKey,
		List<Licence> pool, Map<String, Licence> byName, Node tree) {

	/** A licence key and where it is valid. */
	public record Licence(@JsonProperty(access = Access.WRITE_ONLY) String license,
			@JsonProperty(defaultValue = "eu") String region) {
	}

	/** A tree of nodes, each with a PIN. */
	public record Node(String label, @JsonProperty(access = Access.WRITE_ONLY) String pin, @Nullable Node child,
			@Nullable List<Node> children) {
	}

}
