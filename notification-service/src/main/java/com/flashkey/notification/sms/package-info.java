/** The SMS channel: a short "your order is ready" text (never the codes) through an HTTP provider. */
package com.flashkey.notification.sms;
