package dev.unifiedplugins.benchmarks;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

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
			for (int i = 0; i < 2000; i++) {
				floorMethod.invoke(bench);
				oursMethod.invoke(bench);
			}
			List<Long> floor = new ArrayList<>();
			List<Long> ours = new ArrayList<>();
			for (int round = 0; round < rounds; round++) {
				boolean floorFirst = (round % 2) == 0;
				for (int side = 0; side < 2; side++) {
					boolean isFloor = (side == 0) == floorFirst;
					for (int i = 0; i < block; i++) {
						long start = System.nanoTime();
						(isFloor ? floorMethod : oursMethod).invoke(bench);
						(isFloor ? floor : ours).add(System.nanoTime() - start);
					}
				}
			}
			double floorMedian = percentile(floor, 50);
			double oursMedian = percentile(ours, 50);
			System.out.printf("%s (floor): median %.1f us, p90 %.1f us%n", floorMethod.getName(), floorMedian / 1000,
					percentile(floor, 90) / 1000);
			System.out.printf("%s: median %.1f us, p90 %.1f us%n", oursMethod.getName(), oursMedian / 1000,
					percentile(ours, 90) / 1000);
			System.out.printf("ratio of the medians: %.3f%n", oursMedian / floorMedian);
		}
		finally {
			bench.tearDown();
		}
	}

	private static double percentile(List<Long> values, int percent) {
		List<Long> sorted = new ArrayList<>(values);
		Collections.sort(sorted);
		return sorted.get(Math.min(sorted.size() - 1, sorted.size() * percent / 100));
	}

}
