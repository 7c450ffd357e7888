/** The degradation switch: during a sale, non-core routes (stock display, product list) stop calling downstreams. */
package com.flashkey.gateway.degradation;
