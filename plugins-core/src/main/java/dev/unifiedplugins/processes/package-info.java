/**
 * The operating system's processes: descendants, liveness and identity (PID and start time).
 */
@NullMarked
package dev.unifiedplugins.processes;

import org.jspecify.annotations.NullMarked;
