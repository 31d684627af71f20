package dev.unifiedplugins.core;

import java.util.Arrays;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Where a plugin runs, from inside the application's JVM to rented cloud hardware.
 * The JSON form of each constant is its {@link #value()}, the same string the Python
 * library uses.
 */
public enum PluginExecutionMode {

	/** Runs inside the application's JVM. */
	IN_PROCESS("in_process"),
	/** Runs as one or more local child processes. */
	SUBPROCESS("subprocess"),
	/** Runs in a local container. */
	DOCKER("docker"),
	/** Runs in a local conda environment. */
	CONDA_ENV("conda_env"),
	/** Talks to a service already running on this machine or network. */
	EXTERNAL_SERVICE("external"),
	/** Runs on a remote host reached over SSH. */
	REMOTE_SSH("remote_ssh"),
	/** Runs on a cloud virtual machine. */
	CLOUD_VM("cloud_vm"),
	/** Runs in a cloud container service. */
	CLOUD_CONTAINER("cloud_container"),
	/** Runs on a serverless cloud platform. */
	CLOUD_SERVERLESS("cloud_serverless"),
	/** Runs on a rented cloud GPU. */
	CLOUD_GPU("cloud_gpu"),
	/** Runs on a rented cloud CPU instance. */
	CLOUD_CPU("cloud_cpu"),
	/** Runs on a Kubernetes cluster. */
	KUBERNETES("kubernetes");

	private final String value;

	PluginExecutionMode(String value) {
		this.value = value;
	}

	/**
	 * The wire value, as written in JSON and by the Python library.
	 * @return the value, such as {@code "in_process"}
	 */
	@JsonValue
	public String value() {
		return this.value;
	}

	/**
	 * Whether this mode runs on the local machine: in-process, subprocess, docker, conda
	 * environment or an external local service.
	 * @return true for the five local modes
	 */
	public boolean isLocal() {
		return ordinal() <= EXTERNAL_SERVICE.ordinal();
	}

	/**
	 * Whether this mode runs on remote or cloud resources.
	 * @return true for every mode that is not {@linkplain #isLocal() local}
	 */
	public boolean isCloud() {
		return !isLocal();
	}

	/**
	 * The mode whose {@link #value()} is the given string.
	 * @param value a wire value such as {@code "subprocess"}
	 * @return the matching mode
	 * @throws IllegalArgumentException naming the valid values when none matches
	 */
	@JsonCreator
	public static PluginExecutionMode fromValue(String value) {
		for (PluginExecutionMode mode : values()) {
			if (mode.value.equals(value)) {
				return mode;
			}
		}
		throw new IllegalArgumentException("Unknown plugin execution mode '" + value + "'; valid values are "
				+ Arrays.stream(values()).map(PluginExecutionMode::value).collect(Collectors.joining(", ")));
	}

	@Override
	public String toString() {
		return this.value;
	}

}
