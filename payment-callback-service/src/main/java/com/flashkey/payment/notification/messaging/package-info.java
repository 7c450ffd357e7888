/** Publishing payment.succeeded, and the relay that republishes recorded notifications whose publish failed. */
package com.flashkey.payment.notification.messaging;
