-- Optional E.164 number for the "order ready" SMS (never the codes); null for orders placed without one.
ALTER TABLE orders ADD COLUMN buyer_phone VARCHAR(16) NULL;
