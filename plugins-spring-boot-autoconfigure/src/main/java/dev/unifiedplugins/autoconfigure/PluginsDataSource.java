package dev.unifiedplugins.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.beans.factory.annotation.Qualifier;

/**
 * Qualifier for the {@link javax.sql.DataSource} the JDBC plugin config store, its schema
 * initialization and the cloud cost fleet use ({@code plugins.store-type=jdbc}), when it
 * is not the application's only one, as Spring Boot's {@code @QuartzDataSource}. Without
 * such a bean they use the application's single {@code DataSource}.
 */
@Target({ ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.TYPE,
		ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Qualifier
public @interface PluginsDataSource {

}
