/** Allocation of card keys to paid orders: exactly once per order, each key to one order. */
package com.flashkey.inventory.allocation;
