/**
 * The JDBC configuration store, its PostgreSQL change listener and the cloud cost fleet,
 * on Spring's {@code JdbcOperations} and {@code TransactionOperations}.
 */
@NullMarked
package dev.unifiedplugins.jdbc;

import org.jspecify.annotations.NullMarked;
