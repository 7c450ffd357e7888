/** Verified payments that could not be applied to an order, kept durably until an operator acts on them. */
package com.flashkey.order.payment;
