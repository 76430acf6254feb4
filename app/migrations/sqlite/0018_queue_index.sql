-- The review queue (submitted or under review), newest first: a partial index that holds only
-- the queued registrations in the queue's order. With (status, updated_at, id) alone the two
-- statuses are two sorted runs, and a page had to sort every queued row to show the first 50.
CREATE INDEX deals_queue_updated ON deals (updated_at, id) WHERE status IN ('submitted', 'under_review');
