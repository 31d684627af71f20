/**
 * Deep immutable copies of JSON-like values (maps, lists, scalars).
 */
@NullMarked
package dev.unifiedplugins.json;

import org.jspecify.annotations.NullMarked;
