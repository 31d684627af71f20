/**
 * Persistence of one JSON configuration per plugin.
 */
@NullMarked
package dev.unifiedplugins.config;

import org.jspecify.annotations.NullMarked;
