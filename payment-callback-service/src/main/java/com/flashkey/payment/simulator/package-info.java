/** A local payment provider (profiles local and demo): pays orders, signs and delivers webhooks, answers queries. */
package com.flashkey.payment.simulator;
