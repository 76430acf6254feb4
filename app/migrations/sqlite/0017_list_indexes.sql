-- Lists paged by keyset (sort key, id): each default order and scope, each filter by status
-- and the common sorts have an index that yields their rows in order, so a page reads its
-- rows and stops, and a capped count reads at most that many index entries.
CREATE INDEX orgs_kind_lower_name ON orgs (kind, LOWER(name), id);
CREATE INDEX deals_updated ON deals (updated_at, id);
CREATE INDEX deals_org_updated ON deals (org_id, updated_at, id);
CREATE INDEX deals_status_updated ON deals (status, updated_at, id);
CREATE INDEX deals_lower_company ON deals (LOWER(company), id);
CREATE INDEX deals_value ON deals (value_minor, id);
CREATE INDEX deals_close ON deals (expected_close, id);
CREATE INDEX notifications_user_id ON notifications (user_id, id);
