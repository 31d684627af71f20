/**
 * Calls into plugin code with a time bound, periodic tasks and listener delivery: one
 * misbehaving plugin or listener affects only its own answer.
 */
@NullMarked
package dev.unifiedplugins.concurrent;

import org.jspecify.annotations.NullMarked;
