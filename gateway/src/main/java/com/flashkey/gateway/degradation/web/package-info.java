/** Admin endpoint of the degradation switch. */
package com.flashkey.gateway.degradation.web;
