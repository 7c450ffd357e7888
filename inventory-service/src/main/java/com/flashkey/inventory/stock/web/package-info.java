/** HTTP edges of stock: internal reservations, the public stock view, the admin rebuild. */
package com.flashkey.inventory.stock.web;
