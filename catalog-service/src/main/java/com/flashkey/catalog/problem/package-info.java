/**
 * RFC 9457 problem responses: the one advice that maps every failure of the annotated endpoints to a stable problem
 * type, and the same answers for the functional endpoints, which the advice does not reach.
 */
package com.flashkey.catalog.problem;
