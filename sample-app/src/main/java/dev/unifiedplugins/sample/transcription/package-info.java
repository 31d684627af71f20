/**
 * The {@code transcription} category: an in-process plugin and one that runs a worker
 * process tree.
 */
@NullMarked
package dev.unifiedplugins.sample.transcription;

import org.jspecify.annotations.NullMarked;
