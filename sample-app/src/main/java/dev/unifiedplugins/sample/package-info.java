/**
 * A runnable application with real plugins: in-process, child-process, external and cloud.
 */
@NullMarked
package dev.unifiedplugins.sample;

import org.jspecify.annotations.NullMarked;
