/** Products, prices, sale windows and purchase limits, and the cached read path that serves them under load. */
package com.flashkey.catalog.product;
