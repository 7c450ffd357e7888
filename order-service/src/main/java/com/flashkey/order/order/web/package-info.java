/** HTTP edge of the order: create, look up, resend; problem+json mapping and the lookup rate limit. */
package com.flashkey.order.order.web;
