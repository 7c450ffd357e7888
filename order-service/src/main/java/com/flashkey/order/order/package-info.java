/** The order: its number, state machine, sharded storage, placement, lifecycle and lookup. */
package com.flashkey.order.order;
