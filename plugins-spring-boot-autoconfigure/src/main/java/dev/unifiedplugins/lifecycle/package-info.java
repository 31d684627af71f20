/**
 * What runs while the application runs and when it stops: cleanup of plugin resources at
 * shutdown, the record of managed processes against a crash, the cloud cost checks, the
 * configuration changes and terminations published as application events, and the
 * background preinitialization at start.
 */
@NullMarked
package dev.unifiedplugins.lifecycle;

import org.jspecify.annotations.NullMarked;
