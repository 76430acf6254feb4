-- Lists paged by keyset (sort key, id): each default order and scope has an index that
-- yields its rows in order, so a page reads its rows and stops.
CREATE INDEX orgs_kind_lower_name ON orgs (kind, LOWER(name), id);
CREATE INDEX deals_updated ON deals (updated_at, id);
CREATE INDEX deals_org_updated ON deals (org_id, updated_at, id);
CREATE INDEX notifications_user_id ON notifications (user_id, id);
