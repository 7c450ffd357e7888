/** The service's HTTP edge (actuator and API docs only): RFC 9457 problems for whatever reaches it wrongly. */
package com.flashkey.notification.web;
