-- Campaign templates in two languages: a translation points at its original, and
-- partners pick the language of one campaign.
ALTER TABLE campaign_templates ADD COLUMN translation_of BIGINT REFERENCES campaign_templates(id);
-- A launch may count opens (a tracking image; unreliable, as mail clients prefetch images)
-- and go to the contacts of one list (a tag) instead of all of them.
ALTER TABLE campaign_launches ADD COLUMN track_opens BIGINT NOT NULL DEFAULT 0;
ALTER TABLE campaign_launches ADD COLUMN list_tag TEXT NOT NULL DEFAULT '';
-- A contact a partner deleted: its personal data erased, its sends still counted.
ALTER TABLE contacts ADD COLUMN erased_at BIGINT;
-- Campaign mail is delivered in batches by the run that wrote it: 'sending' since
-- claimed_at; a batch whose deliverer stopped is taken over after a lease.
ALTER TABLE outbox ADD COLUMN claimed_at BIGINT;
-- What happened to a partner's leads, in order, for integrations to read (and a webhook
-- sender to deliver): 'lead.created', 'lead.converted'. The payload is JSON.
CREATE TABLE lead_events (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    lead_id BIGINT NOT NULL REFERENCES leads(id),
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX lead_events_org ON lead_events (org_id, id);
