package dev.unifiedplugins.cost;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.unifiedplugins.concurrent.BoundedCalls;
import dev.unifiedplugins.core.UnifiedPluginRegistry;
import dev.unifiedplugins.cost.CloudCostGuard.Budget;
import dev.unifiedplugins.cost.CloudCostGuard.BudgetAction;
import dev.unifiedplugins.cost.CloudCostGuard.BudgetExceeded;
import dev.unifiedplugins.cost.CloudCostGuard.CategoryBudget;
import dev.unifiedplugins.cost.CloudCostGuard.Settings;
import dev.unifiedplugins.cost.CloudCostGuard.Status;
import dev.unifiedplugins.protocols.PluginCloudResourceTerminated;
import dev.unifiedplugins.protocols.PluginCloudResourceTerminated.Reason;
import dev.unifiedplugins.testsupport.LogCapture;
import dev.unifiedplugins.testsupport.MutableClock;
import dev.unifiedplugins.testsupport.SimulatedCloudPlugin;
import dev.unifiedplugins.testsupport.TestPluginManager;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

/**
 * Category budgets of a {@link CloudCostGuard} alone, with simulated cloud resources in
 * two categories ({@code llm} and {@code transcription}) and a clock the test moves: a
 * category's cap counts and terminates its own resources only, exactly enough, most
 * expensive first; the global budget holds beside it, counting what a category ended.
 */
class CategoryBudgetTests {

	private static final Duration CHECK = Duration.ofSeconds(30);

	private static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);

	@TempDir
	Path dir;

	private final BoundedCalls calls = new BoundedCalls("test-category-budget-", 4);

	private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	private final List<PluginCloudResourceTerminated> events = new ArrayList<>();

	private final Map<String, SimulatedCloudPlugin> llm = SimulatedCloudPlugin.priced("l1", 6.0, "l2", 4.0, "l3", 1.0, "l4", 0.5);

	private final Map<String, SimulatedCloudPlugin> transcription = SimulatedCloudPlugin.priced("t1", 20.0, "t2", 0.25);

	@AfterEach
	void tearDown() {
		this.calls.close();
	}

	@Test
	void aCategoryOverItsCapTerminatesItsOwnResourcesOnlyMostExpensiveFirstAndNoMore() {
		CloudCostGuard guard = guard(null, Map.of("llm", new CategoryBudget(3.0, BudgetAction.TERMINATE)));
		Status status = guard.check();
		// 11.5 against 3: l1 (6) and l2 (4) bring it to 1.5; t1, dearer than all, is in no cap.
		assertTerminatedOnly("l1", "l2");
		assertThat(this.events).containsExactly(new PluginCloudResourceTerminated("llm_l1", Reason.BUDGET, 6.0, true),
				new PluginCloudResourceTerminated("llm_l2", Reason.BUDGET, 4.0, true));
		assertThat(status.categoryBudgets())
			.containsExactlyEntriesOf(Map.of("llm", new Budget(3.0, false, BudgetAction.TERMINATE, 1.5)));
		assertThat(status.budget()).as("no global budget").isNull();
		assertThat(status.hourlyUsd()).isCloseTo(21.75, within(1e-9));
		this.clock.advance(CHECK);
		guard.check();
		assertThat(this.events).as("under its cap now: nothing more").hasSize(2);
	}

	@Test
	void aBudgetOfACategoryNoPluginSystemHasIsWarnedAboutOnce() {
		CloudCostGuard guard = guard(null, Map.of("llm", new CategoryBudget(100.0, BudgetAction.TERMINATE), "lmm",
				new CategoryBudget(3.0, BudgetAction.TERMINATE)));
		try (LogCapture log = LogCapture.start()) {
			guard.check();
			this.clock.advance(CHECK);
			guard.check();
			assertThat(log.text().split("plugins.cost.budget.categories.lmm caps", -1)).as("one warning").hasSize(2);
			assertThat(log.text()).contains("which no plugin system has").doesNotContain("categories.llm caps");
		}
		assertThat(this.events).as("a cap on no category terminates nothing").isEmpty();
	}

	@Test
	void theGlobalBudgetHoldsBesideACategoryBudget() {
		CloudCostGuard guard = guard(new CategoryBudget(12.0, BudgetAction.TERMINATE),
				Map.of("llm", new CategoryBudget(3.0, BudgetAction.TERMINATE)));
		Status status = guard.check();
		// llm ends l1 and l2 (to 1.5); all then cost 21.75 against 12: t1 goes too, to 1.75.
		assertTerminatedOnly("l1", "l2", "t1");
		assertThat(status.budget()).isEqualTo(new Budget(12.0, false, BudgetAction.TERMINATE, 1.75));
		assertThat(status.categoryBudgets().get("llm").exceeded()).isFalse();
	}

	@Test
	void aResourceACategoryEndedCountsAsGoneForTheGlobalBudget() {
		this.transcription.get("t1").price = 8.0;
		CloudCostGuard guard = guard(new CategoryBudget(12.0, BudgetAction.TERMINATE),
				Map.of("llm", new CategoryBudget(3.0, BudgetAction.TERMINATE)));
		// 19.75 in all: the global cap alone would end l1 and t1, and llm then l2 as well;
		// llm first ends l1 and l2, which leaves 9.75: under the global cap, t1 stays.
		Status status = guard.check();
		assertTerminatedOnly("l1", "l2");
		assertThat(status.budget().runningHourlyUsd()).isCloseTo(9.75, within(1e-9));
	}

	@Test
	void aWarnOnlyCategoryIsReportedOnceAndTerminatesNothing() {
		List<BudgetExceeded> exceeded = new ArrayList<>();
		CloudCostGuard guard = guard(null, Map.of("llm", new CategoryBudget(3.0, BudgetAction.TERMINATE),
				"transcription", new CategoryBudget(10.0, BudgetAction.WARN)));
		guard.addBudgetListener(exceeded::add);
		Status status = guard.check();
		this.clock.advance(CHECK);
		guard.check();
		assertTerminatedOnly("l1", "l2");
		assertThat(status.categoryBudgets().get("transcription"))
			.isEqualTo(new Budget(10.0, true, BudgetAction.WARN, 20.25));
		assertThat(exceeded).containsExactly(new BudgetExceeded(11.5, 3.0, BudgetAction.TERMINATE, "llm"),
				new BudgetExceeded(20.25, 10.0, BudgetAction.WARN, "transcription"));
		this.transcription.get("t1").running = false;
		this.clock.advance(CHECK);
		assertThat(guard.check().categoryBudgets().get("transcription").exceeded()).isFalse();
	}

	@Test
	void theCategoryBudgetsAreShownBeforeTheFirstCheck() {
		CloudCostGuard guard = guard(null, Map.of("llm", new CategoryBudget(3.0, BudgetAction.WARN)));
		assertThat(guard.status().categoryBudgets())
			.containsExactlyEntriesOf(Map.of("llm", new Budget(3.0, false, BudgetAction.WARN, 0.0)));
		assertThat(guard.status().budget()).isNull();
	}

	@Test
	void aFailedTerminationStillBillsAndIsOfferedOncePerCheck() {
		this.llm.get("l1").failures = 2;
		this.transcription.get("t1").price = 5.0;
		CloudCostGuard guard = guard(new CategoryBudget(10.0, BudgetAction.TERMINATE),
				Map.of("llm", new CategoryBudget(7.0, BudgetAction.TERMINATE)));
		Status status = guard.check();
		// l1 fails and still bills: l2 and l3 go instead (llm at 6.5). All then cost 11.75,
		// over 10: l1 is not tried again in the same check, t1 goes.
		assertThat(this.llm.get("l1").failures).as("tried once").isOne();
		assertTerminatedOnly("l2", "l3", "t1");
		assertThat(status.categoryBudgets().get("llm").runningHourlyUsd()).isCloseTo(6.5, within(1e-9));
		assertThat(status.budget().runningHourlyUsd()).isCloseTo(6.75, within(1e-9));
		assertThat(status.budget().exceeded()).isFalse();
	}

	@Test
	void aCategoryIsDoneBeforeTheGlobalBudgetIsPlannedAsOneAtATimeWould() {
		this.llm.get("l1").price = 8.0;
		this.llm.get("l1").failures = 1;
		this.llm.get("l2").price = 5.0;
		this.llm.get("l3").price = 5.0;
		this.transcription.get("t1").price = 6.0;
		CloudCostGuard guard = guard(new CategoryBudget(15.0, BudgetAction.TERMINATE),
				Map.of("llm", new CategoryBudget(10.5, BudgetAction.TERMINATE)));
		Status status = guard.check();
		// l1 fails and still bills: l2 and l3 go instead (llm at 8.5). All then cost 14.75,
		// under 15: t1, which the global budget would have ended had l1 gone, stays.
		assertThat(this.llm.get("l1").failures).as("tried once").isZero();
		assertTerminatedOnly("l2", "l3");
		assertThat(status.budget().runningHourlyUsd()).isCloseTo(14.75, within(1e-9));
		assertThat(status.budget().exceeded()).isFalse();
	}

	@Test
	void aCategoryCapMustBeAFiniteAmountOfAtLeastZero() {
		assertThatIllegalArgumentException().isThrownBy(() -> new CategoryBudget(-1, BudgetAction.WARN))
			.withMessageContaining("hourlyUsd");
		assertThatIllegalArgumentException().isThrownBy(() -> new CategoryBudget(Double.NaN, BudgetAction.WARN));
	}

	private void assertTerminatedOnly(String... names) {
		Map<String, Integer> terminations = new LinkedHashMap<>();
		Map<String, Integer> expected = new LinkedHashMap<>();
		for (Map<String, SimulatedCloudPlugin> category : List.of(this.llm, this.transcription)) {
			category.forEach((name, plugin) -> {
				terminations.put(name, plugin.terminations.get());
				expected.put(name, List.of(names).contains(name) ? 1 : 0);
			});
		}
		assertThat(terminations).isEqualTo(expected);
	}

	private CloudCostGuard guard(@Nullable CategoryBudget global, Map<String, CategoryBudget> categories) {
		UnifiedPluginRegistry registry = new UnifiedPluginRegistry(this.dir);
		registry.registerPluginManager("llm", TestPluginManager.of(this.llm));
		registry.registerPluginManager("transcription", TestPluginManager.of(this.transcription));
		Settings settings = new Settings(null, null, (global != null) ? global.hourlyUsd() : null,
				(global != null) ? global.action() : BudgetAction.WARN, CALL_TIMEOUT, categories);
		CloudCostGuard guard = new CloudCostGuard(registry, this.calls, this.clock, settings, null);
		guard.addListener(this.events::add);
		return guard;
	}

}
