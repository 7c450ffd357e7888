/** Route building blocks beyond the built-in ones: a predicate that switches a whole route on or off. */
package com.flashkey.gateway.routing;
