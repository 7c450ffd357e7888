/** How every FlashKey test reaches MariaDB, Redis and Kafka, and owns uniquely named databases, keys and topics. */
package com.flashkey.testsupport;
