/** Learns pending orders from order.placed. */
package com.flashkey.payment.reconciliation.messaging;
