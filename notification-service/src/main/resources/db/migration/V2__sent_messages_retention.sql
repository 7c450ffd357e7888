-- The retention loop deletes settled rows by age: an index on claimed_at keeps each pass a range read.
CREATE INDEX ix_sent_messages_claimed ON sent_messages (claimed_at);
