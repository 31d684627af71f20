package dev.unifiedplugins.systems;

/**
 * The plugin interface of the tests: classes on the test class path and in JARs built by
 * the tests implement it.
 */
public interface GreeterPlugin {

	String greet(String who);

}
