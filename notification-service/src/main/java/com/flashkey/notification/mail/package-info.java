/** The e-mail channel: localized HTML and plain-text templates, sent over SMTP off the event loop. */
package com.flashkey.notification.mail;
