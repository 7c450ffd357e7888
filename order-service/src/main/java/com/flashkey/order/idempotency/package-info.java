/** Idempotency-Key records in Redis: one atomic SET NX claims a key, the first answer is kept and replayed. */
package com.flashkey.order.idempotency;
