package dev.unifiedplugins.testsupport;

import java.util.Arrays;

/**
 * The live threads of this JVM, by name: for tests that show an operation run many times
 * leaves no thread behind beyond its bounded pools.
 */
public final class Threads {

	private Threads() {
	}

	/**
	 * Counts the live threads whose names start with a prefix, such as a pool's.
	 * @param prefix the start of their names
	 * @return how many there are
	 */
	public static int named(String prefix) {
		return (int) Thread.getAllStackTraces().keySet().stream().filter((thread) -> thread.getName().startsWith(prefix)).count();
	}

	/**
	 * Counts the live threads of none of the given pools.
	 * @param prefixes the starts of the pools' thread names
	 * @return how many there are
	 */
	public static int outside(String... prefixes) {
		return (int) Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> Arrays.stream(prefixes).noneMatch(thread.getName()::startsWith))
			.count();
	}

}
