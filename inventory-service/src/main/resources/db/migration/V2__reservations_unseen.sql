-- The orphan sweep's query (stock/messaging/OrphanedReservationSweeper): live reservations whose order.placed has not
-- been recorded, by last write. Every few seconds, so it must not scan the table.
CREATE INDEX idx_reservations_unseen ON reservations (status, order_seen, updated_at);
