/**
 * Following configurations changed outside this registry.
 */
@NullMarked
package dev.unifiedplugins.watch;

import org.jspecify.annotations.NullMarked;
