/** Admin JWT on the admin paths, and what every answer gets at the edge: security headers, CORS, the request firewall. */
package com.flashkey.gateway.security;
