/** Finding payments whose webhook never arrived: orders unpaid for too long are checked with the provider. */
package com.flashkey.payment.reconciliation;
