/**
 * Optional protocols a live plugin instance implements to report processes and cloud resources.
 */
@NullMarked
package dev.unifiedplugins.protocols;

import org.jspecify.annotations.NullMarked;
