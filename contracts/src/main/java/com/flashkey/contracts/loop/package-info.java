/** The one background-loop shape every service uses (relays, expiry, sweepers, write-behind flushes, refreshes). */
package com.flashkey.contracts.loop;
