/** The card-key pool: encrypted codes at rest, streamed imports, inventory counts. */
package com.flashkey.inventory.cardkey;
