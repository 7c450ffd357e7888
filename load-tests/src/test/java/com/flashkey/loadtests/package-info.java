/** Gatling simulations of flash-sale traffic against a running FlashKey suite, with pass/fail assertions. */
package com.flashkey.loadtests;
