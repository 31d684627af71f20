package dev.unifiedplugins.benchmarks;

/**
 * The history's cost side by side: blocks of {@link HistorySaveBenchmark#withHistory()} and
 * {@link HistorySaveBenchmark#withoutHistory()} alternated in one JVM on one store type, so
 * that the drift of a virtual machine's disk hits both sides alike. Prints the median and
 * 90th percentile of each and the ratio of the medians, for each store type and for plain
 * and revision-checked saves. Arguments: rounds (30), saves per block (100), and the store
 * types ({@code file,jdbc}).
 */
public final class HistorySaveRatio {

	private HistorySaveRatio() {
	}

	public static void main(String[] args) throws Exception {
		int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : 30;
		int block = (args.length > 1) ? Integer.parseInt(args[1]) : 100;
		String[] stores = ((args.length > 2) ? args[2] : "file,jdbc").split(",");
		for (String store : stores) {
			for (boolean checked : new boolean[] { false, true }) {
				HistorySaveBenchmark bench = new HistorySaveBenchmark();
				bench.store = store;
				bench.checked = checked;
				bench.setUp();
				try {
					SideBySide.compare(store + (checked ? " checked: " : " plain: "), "withHistory", bench::withHistory,
							"withoutHistory", bench::withoutHistory, 1000, rounds, block);
				}
				finally {
					bench.tearDown();
				}
			}
		}
	}

}
