/**
 * Live inspection of every plugin's resources and costs, each call bounded in time.
 */
@NullMarked
package dev.unifiedplugins.inspection;

import org.jspecify.annotations.NullMarked;
