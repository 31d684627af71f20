/**
 * The cloud cost guard: accrual, idle and lifetime limits, the budget, and the fleet
 * interface through which several instances share their bill.
 */
@NullMarked
package dev.unifiedplugins.cost;

import org.jspecify.annotations.NullMarked;
