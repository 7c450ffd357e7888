/** Request body size limits at the edge (413 payload-too-large). */
package com.flashkey.gateway.requestsize;
