/**
 * Runtime hints for an application that uses the plugin registry in a native image.
 */
@NullMarked
package dev.unifiedplugins.aot;

import org.jspecify.annotations.NullMarked;
