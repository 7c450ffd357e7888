/** Receiving payment notifications: verify the provider's signature, record once, publish payment.succeeded. */
package com.flashkey.payment.notification;
