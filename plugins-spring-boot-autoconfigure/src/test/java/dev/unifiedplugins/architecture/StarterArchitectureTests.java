package dev.unifiedplugins.architecture;

import java.net.URISyntaxException;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import dev.unifiedplugins.autoconfigure.PluginsAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.Configuration;

import static com.tngtech.archunit.lang.conditions.ArchConditions.be;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The package rules of the starter: no package depends on another that depends back on it,
 * and {@code dev.unifiedplugins.autoconfigure} only wires, as in Spring Boot's own modules:
 * what its configuration classes create lives in packages named after its job.
 */
class StarterArchitectureTests {

	private static final String AUTOCONFIGURE = "dev.unifiedplugins.autoconfigure";

	/** Where this module's main classes are: its {@code target/classes} directory or its jar. */
	private static final String MODULE_LOCATION = moduleLocation();

	/** This module's main classes only: not plugins-core's or plugins-jdbc's, not the tests. */
	private static final JavaClasses CLASSES = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.withImportOption(StarterArchitectureTests::inThisModule)
		.importPackages("dev.unifiedplugins");

	/**
	 * What {@code dev.unifiedplugins.autoconfigure} may hold: a {@code @Configuration} class
	 * ({@code @AutoConfiguration} and {@code @ManagementContextConfiguration} are ones), a
	 * {@code @ConfigurationProperties} class, a class nested in either, a {@link Condition},
	 * or an annotation (a condition or a qualifier such as {@code @PluginsDataSource}).
	 */
	private static final DescribedPredicate<JavaClass> WIRING = DescribedPredicate.describe(
			"a @Configuration or @AutoConfiguration class, a @ConfigurationProperties class (or nested in one), "
					+ "a Condition or an annotation; move what the configuration creates to a package named after its job",
			StarterArchitectureTests::wires);

	@Test
	void importsThisModulesMainClassesOnly() {
		assertThat(CLASSES.contain(PluginsAutoConfiguration.class)).isTrue();
		assertThat(CLASSES.contain(dev.unifiedplugins.core.UnifiedPluginRegistry.class)).isFalse();
		assertThat(CLASSES.contain(StarterArchitectureTests.class)).isFalse();
	}

	@Test
	void packagesAreFreeOfCycles() {
		// (**) makes every package its own slice, sub-packages included.
		slices().matching("dev.unifiedplugins.(**)").should().beFreeOfCycles().check(CLASSES);
	}

	@Test
	void autoconfigureOnlyWires() {
		classes().that()
			.resideInAPackage(AUTOCONFIGURE)
			.and()
			.doNotHaveSimpleName("package-info")
			.should(be(WIRING))
			.check(CLASSES);
	}

	@Test
	void nothingDependsOnAutoconfigure() {
		// What the configuration classes create gets plain values from them, never their properties.
		noClasses().that()
			.resideOutsideOfPackage(AUTOCONFIGURE)
			.should()
			.dependOnClassesThat()
			.resideInAPackage(AUTOCONFIGURE)
			.check(CLASSES);
	}

	@Test
	void actuateDoesNotDependOnTheSettingsPage() {
		// The page uses the endpoint; the endpoint works without the page.
		noClasses().that()
			.resideInAPackage("dev.unifiedplugins.actuate..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("dev.unifiedplugins.ui..")
			.check(CLASSES);
	}

	private static boolean wires(JavaClass type) {
		if (type.isAnnotation() || type.isAssignableTo(Condition.class)) {
			return true;
		}
		for (JavaClass outer = type; outer != null; outer = outer.getEnclosingClass().orElse(null)) {
			if (outer.isMetaAnnotatedWith(Configuration.class)
					|| outer.isMetaAnnotatedWith(ConfigurationProperties.class)) {
				return true;
			}
		}
		return false;
	}

	private static boolean inThisModule(Location location) {
		return location.contains(MODULE_LOCATION);
	}

	private static String moduleLocation() {
		try {
			return PluginsAutoConfiguration.class.getProtectionDomain().getCodeSource().getLocation().toURI().toString();
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
