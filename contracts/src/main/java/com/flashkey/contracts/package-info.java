/** Event envelope, event records, topic names and the delivery-code format shared by every FlashKey service. */
package com.flashkey.contracts;
