/**
 * Calls into plugin code with a time bound: live inspection of resources and costs, and
 * cleanup at shutdown. A plugin that throws or hangs affects only its own answer.
 */
@NullMarked
package dev.unifiedplugins.runtime;

import org.jspecify.annotations.NullMarked;
