package dev.unifiedplugins.jdbc;

import java.sql.Connection;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package rules of plugins-jdbc: no package cycles, and no hand-committed connections
 * (transactions are Spring's).
 */
class JdbcArchitectureTests {

	private static final JavaClasses CLASSES = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.unifiedplugins.jdbc");

	@Test
	void packagesAreFreeOfCycles() {
		slices().matching("dev.unifiedplugins.(**)").should().beFreeOfCycles().check(CLASSES);
	}

	@Test
	void transactionsAreSpringsNotHandCommitted() {
		noClasses().should()
			.callMethod(Connection.class, "commit")
			.orShould()
			.callMethod(Connection.class, "rollback")
			.orShould()
			.callMethod(Connection.class, "setAutoCommit", boolean.class)
			.check(CLASSES);
	}

}
