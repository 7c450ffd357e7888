/** Delivering an order's card codes exactly once per order, channel and template, with a sent-message log. */
package com.flashkey.notification.delivery;
