/** Redis stock counters and reservations (Lua), their durable journal, rebuild, reconciliation and sweeping. */
package com.flashkey.inventory.stock;
