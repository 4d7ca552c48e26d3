-- mwtui workspace on PostgreSQL, schema version 1.
-- Tables other than services: one row per document, ``nkey`` the natural key an upsert
-- used (unique per table). Services: one row each, ``row_key`` unique (never doubled).
CREATE TABLE mwtui_state (
    id integer PRIMARY KEY CHECK (id = 1),
    generation bigint NOT NULL,
    next_service_id bigint NOT NULL
);
INSERT INTO mwtui_state VALUES (1, 0, 1);

CREATE TABLE mwtui_records (
    tbl text NOT NULL,
    id bigint NOT NULL,
    doc json NOT NULL,
    nkey text,
    PRIMARY KEY (tbl, id)
);
CREATE UNIQUE INDEX mwtui_records_nkey ON mwtui_records (tbl, nkey) WHERE nkey IS NOT NULL;

CREATE TABLE mwtui_services (
    id bigint PRIMARY KEY,
    batch text NOT NULL,
    row_key text,
    customer_number text,
    doc json NOT NULL
);
CREATE UNIQUE INDEX mwtui_services_row_key ON mwtui_services (row_key) WHERE row_key IS NOT NULL;
CREATE INDEX mwtui_services_batch ON mwtui_services (batch);

CREATE TABLE mwtui_attachments (
    sha256 text PRIMARY KEY,
    content bytea NOT NULL,
    size bigint NOT NULL
);
