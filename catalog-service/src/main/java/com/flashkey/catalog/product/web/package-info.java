/**
 * HTTP edge of the product feature: public reads (functional endpoints answering kept bytes) with HTTP caching,
 * admin create/update and warm-up.
 */
package com.flashkey.catalog.product.web;
