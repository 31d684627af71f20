package dev.unifiedplugins.benchmarks;

/**
 * The observations' cost on a load side by side: blocks of
 * {@link LoadObservationBenchmark#load()} without an observer ({@code none}) and with
 * timed observations ({@code timed}) alternated in one JVM, each side on a registry of its
 * own. A load's time moves by more than the 5% measured between JMH's runs, one after the
 * other, on two cores (its call into the plugin is a thread hop); alternated blocks make
 * that drift hit both sides alike. Prints the median and 90th percentile of each and the
 * ratio of the medians. Arguments: rounds (50), loads per block (200), and the observer
 * measured against {@code none} ({@code timed}).
 */
public final class LoadObservationRatio {

	private LoadObservationRatio() {
	}

	public static void main(String[] args) throws Exception {
		int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : 50;
		int block = (args.length > 1) ? Integer.parseInt(args[1]) : 200;
		LoadObservationBenchmark without = bench("none");
		LoadObservationBenchmark with = bench((args.length > 2) ? args[2] : "timed");
		try {
			SideBySide.compare("", with.observer, with::load, without.observer, without::load, 20_000, rounds, block);
		}
		finally {
			with.tearDown();
			without.tearDown();
		}
	}

	private static LoadObservationBenchmark bench(String observer) {
		LoadObservationBenchmark bench = new LoadObservationBenchmark();
		bench.observer = observer;
		bench.setUp();
		return bench;
	}

}
