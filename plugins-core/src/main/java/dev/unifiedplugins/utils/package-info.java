/**
 * Filters and statistics over plugin metadata.
 */
@NullMarked
package dev.unifiedplugins.utils;

import org.jspecify.annotations.NullMarked;
