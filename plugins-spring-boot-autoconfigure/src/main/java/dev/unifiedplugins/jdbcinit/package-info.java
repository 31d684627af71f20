/**
 * What the JDBC store needs once its database can be reached: schema initialization and
 * the import of a config directory, run at start or, when the database is down then, as
 * soon as it is first reached.
 */
@NullMarked
package dev.unifiedplugins.jdbcinit;

import org.jspecify.annotations.NullMarked;
