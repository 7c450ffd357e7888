/** Admin HTTP API of the card-key pool: import and inventory counts. */
package com.flashkey.inventory.cardkey.web;
