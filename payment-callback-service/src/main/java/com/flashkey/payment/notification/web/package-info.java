/** The provider-facing webhook endpoints and the service's problem+json mapping. */
package com.flashkey.payment.notification.web;
