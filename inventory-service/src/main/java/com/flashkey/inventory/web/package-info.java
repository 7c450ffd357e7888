/** Cross-feature HTTP concerns: RFC 9457 problem mapping. */
package com.flashkey.inventory.web;
