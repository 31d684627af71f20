/**
 * Code that runs in, or launches, the sample's child processes. Nothing here touches Spring,
 * so that a worker JVM starts quickly and stays small.
 */
@NullMarked
package dev.unifiedplugins.sample.worker;

import org.jspecify.annotations.NullMarked;
