/** The simulator's pay page and its payment query API. */
package com.flashkey.payment.simulator.web;
