/** RFC 9457 problem responses: the one advice that maps every failure of the service to a stable problem type. */
package com.flashkey.catalog.problem;
