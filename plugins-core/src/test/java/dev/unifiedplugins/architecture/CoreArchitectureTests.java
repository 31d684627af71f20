package dev.unifiedplugins.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package rules of plugins-core: every package is one job, none depends on another that
 * depends back on it, and a plugin author needs nothing of Spring.
 */
class CoreArchitectureTests {

	private static final JavaClasses CLASSES = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.unifiedplugins");

	@Test
	void packagesAreFreeOfCycles() {
		// (**) makes every package its own slice, sub-packages included.
		slices().matching("dev.unifiedplugins.(**)").should().beFreeOfCycles().check(CLASSES);
	}

	@Test
	void coreImportsNoSpring() {
		noClasses().should()
			.dependOnClassesThat()
			.resideInAPackage("org.springframework..")
			.check(CLASSES);
	}

	@Test
	void theModelAndProtocolsDependOnNoRuntimePackage() {
		noClasses().that()
			.resideInAnyPackage("dev.unifiedplugins.core", "dev.unifiedplugins.protocols", "dev.unifiedplugins.config")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("dev.unifiedplugins.cost", "dev.unifiedplugins.inspection", "dev.unifiedplugins.shutdown",
					"dev.unifiedplugins.watch", "dev.unifiedplugins.systems")
			.check(CLASSES);
	}

}
