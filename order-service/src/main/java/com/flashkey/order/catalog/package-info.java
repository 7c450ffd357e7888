/** Reads products, sale windows and limits from catalog-service through a cache and a circuit breaker. */
package com.flashkey.order.catalog;
