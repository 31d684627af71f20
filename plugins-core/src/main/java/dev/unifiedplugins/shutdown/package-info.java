/**
 * Cleanup of plugin processes and cloud resources at shutdown, and of the processes a
 * crashed previous run left behind.
 */
@NullMarked
package dev.unifiedplugins.shutdown;

import org.jspecify.annotations.NullMarked;
