package dev.unifiedplugins.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Two operations timed side by side in one JVM: blocks of each alternated, the first block
 * of each round taken by the other side than in the round before, so that the drift of a
 * virtual machine's disk (its fsync times move by half between two runs here) hits both
 * alike. JMH's runs, one benchmark after the other, cannot give such a ratio.
 */
final class SideBySide {

	private SideBySide() {
	}

	/**
	 * Warms both operations up, times them and prints the median and the 90th percentile of
	 * each and the ratio of the medians.
	 * @param ours the operation measured
	 * @param floor what it is measured against
	 * @return the ratio of the medians, ours over the floor's
	 */
	static double compare(String name, String oursName, Operation ours, String floorName, Operation floor, int warmUps,
			int rounds, int block) throws Exception {
		for (int i = 0; i < warmUps; i++) {
			floor.run();
			ours.run();
		}
		List<Long> floorTimes = new ArrayList<>();
		List<Long> ourTimes = new ArrayList<>();
		for (int round = 0; round < rounds; round++) {
			boolean floorFirst = (round % 2) == 0;
			for (int side = 0; side < 2; side++) {
				boolean isFloor = (side == 0) == floorFirst;
				for (int i = 0; i < block; i++) {
					long start = System.nanoTime();
					(isFloor ? floor : ours).run();
					(isFloor ? floorTimes : ourTimes).add(System.nanoTime() - start);
				}
			}
		}
		double floorMedian = percentile(floorTimes, 50);
		double ourMedian = percentile(ourTimes, 50);
		System.out.printf("%s%s (floor): median %.1f us, p90 %.1f us%n", name, floorName, floorMedian / 1000,
				percentile(floorTimes, 90) / 1000);
		System.out.printf("%s%s: median %.1f us, p90 %.1f us%n", name, oursName, ourMedian / 1000,
				percentile(ourTimes, 90) / 1000);
		System.out.printf("%sratio of the medians: %.3f%n", name, ourMedian / floorMedian);
		return ourMedian / floorMedian;
	}

	private static double percentile(List<Long> values, int percent) {
		List<Long> sorted = new ArrayList<>(values);
		Collections.sort(sorted);
		return sorted.get(Math.min(sorted.size() - 1, sorted.size() * percent / 100));
	}

	/** One operation of a side. */
	@FunctionalInterface
	interface Operation {

		void run() throws Exception;

	}

}
