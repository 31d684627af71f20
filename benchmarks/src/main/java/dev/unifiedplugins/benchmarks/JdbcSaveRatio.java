package dev.unifiedplugins.benchmarks;

import java.lang.reflect.Method;

/**
 * The JDBC save's figure side by side: blocks of {@link JdbcSaveBenchmark#registrySave()}
 * and of its floor, {@link JdbcSaveBenchmark#floorUpsert()}, alternated on one database
 * and one pool, so that the drift of a virtual machine's disk (its fsync times move by half
 * between two runs here) hits both sides alike. Prints the median and 90th percentile of
 * each and the ratio of the medians. Arguments: rounds (50), operations per block (100),
 * and, to compare two other benchmark methods of {@link JdbcSaveBenchmark}, their names
 * (ours first, then the floor).
 */
public final class JdbcSaveRatio {

	private JdbcSaveRatio() {
	}

	public static void main(String[] args) throws Exception {
		int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : 50;
		int block = (args.length > 1) ? Integer.parseInt(args[1]) : 100;
		Method oursMethod = JdbcSaveBenchmark.class.getMethod((args.length > 2) ? args[2] : "registrySave");
		Method floorMethod = JdbcSaveBenchmark.class.getMethod((args.length > 3) ? args[3] : "floorUpsert");
		JdbcSaveBenchmark bench = new JdbcSaveBenchmark();
		bench.plugins = 1000;
		bench.watching = !Boolean.getBoolean("bench.notWatching");
		bench.setUp();
		try {
			SideBySide.compare("", oursMethod.getName(), () -> oursMethod.invoke(bench), floorMethod.getName(),
					() -> floorMethod.invoke(bench), 2000, rounds, block);
		}
		finally {
			bench.tearDown();
		}
	}

}
