package dev.unifiedplugins.sample;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The sample's packages, one per plugin system, depend on no package that depends back on
 * them.
 */
class SampleArchitectureTests {

	private static final JavaClasses CLASSES = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.unifiedplugins.sample");

	@Test
	void packagesAreFreeOfCycles() {
		slices().matching("dev.unifiedplugins.(**)").should().beFreeOfCycles().check(CLASSES);
	}

}
