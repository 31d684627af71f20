/**
 * The settings page: static files that show and edit plugins through the {@code plugins}
 * endpoint, and their runtime hints.
 */
@NullMarked
package dev.unifiedplugins.ui;

import org.jspecify.annotations.NullMarked;
