/** The admin API that lists unmatched payments. */
package com.flashkey.order.payment.web;
