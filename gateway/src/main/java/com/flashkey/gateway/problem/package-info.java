/** RFC 9457 problem answers: the writer used by filters, the exception handler and the controller advice. */
package com.flashkey.gateway.problem;
