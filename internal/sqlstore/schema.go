package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
)

// schema is the database's tables and indexes, version by version: a
// database is brought up to date by running the steps after its
// user_version, each in one transaction. Never change a step that has
// shipped; add one.
//
// Every list, lookup and periodic query has its index: readers' lists on
// (kind, listed_at, id) of live, untrashed items (partial indexes), the
// admin's on (kind, trashed, ..., id), tag filters through item_tags with
// the sort key copied in, the scheduler's due-query on due_at, the slug
// check on the unique (kind, slug).
var schema = []string{
	`
CREATE TABLE stories (
	id TEXT PRIMARY KEY,
	slug TEXT NOT NULL UNIQUE,
	version INTEGER NOT NULL,
	status TEXT NOT NULL,
	column_key TEXT NOT NULL,
	trashed INTEGER NOT NULL,
	trashed_at INTEGER,
	due_at INTEGER,
	listed_at INTEGER,
	listed_column TEXT,
	meta TEXT NOT NULL,
	body TEXT NOT NULL,
	body_html TEXT NOT NULL,
	live_body_html TEXT NOT NULL
) STRICT;
CREATE INDEX stories_admin ON stories(trashed, id);
CREATE INDEX stories_admin_status ON stories(trashed, status, id);
CREATE INDEX stories_admin_column ON stories(trashed, column_key, id);
CREATE INDEX stories_listed ON stories(listed_at, id) WHERE listed_at IS NOT NULL;
CREATE INDEX stories_listed_column ON stories(listed_column, listed_at, id) WHERE listed_at IS NOT NULL;
CREATE INDEX stories_due ON stories(due_at, id) WHERE due_at IS NOT NULL;
CREATE INDEX stories_trashed ON stories(trashed_at, id) WHERE trashed_at IS NOT NULL;

-- listed_at and listed_column are the live copy's publication time and
-- column while readers see the story (live and untrashed), NULL otherwise;
-- due_at is the schedule's time while the story is untrashed. Derived on
-- every write, so each list's index holds exactly the rows it lists.

-- Tags of the working copy (live = 0, sort_at = 0) and of the live copy
-- while readers see the story (live = 1, sort_at = its listed_at).
CREATE TABLE story_tags (
	tag TEXT NOT NULL,
	live INTEGER NOT NULL,
	sort_at INTEGER NOT NULL,
	story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
	PRIMARY KEY (tag, live, sort_at, story_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX story_tags_story ON story_tags(story_id);

CREATE TABLE revisions (
	kind TEXT NOT NULL,
	item_id TEXT NOT NULL,
	number INTEGER NOT NULL,
	published INTEGER NOT NULL,
	doc TEXT NOT NULL,
	PRIMARY KEY (kind, item_id, number)
) STRICT, WITHOUT ROWID;

CREATE TABLE locks (
	id TEXT PRIMARY KEY,
	version INTEGER NOT NULL,
	doc TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE users (
	id TEXT PRIMARY KEY,
	username TEXT NOT NULL UNIQUE,
	updated_at INTEGER NOT NULL,
	doc TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE sessions (
	id TEXT PRIMARY KEY,
	user_id TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	doc TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions(user_id, created_at);

CREATE TABLE tokens (
	id TEXT PRIMARY KEY,
	user_id TEXT NOT NULL,
	hash TEXT NOT NULL UNIQUE,
	doc TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX tokens_user ON tokens(user_id, id);

-- Sign-in attempts, one row per attempt and key.
CREATE TABLE login_failures (
	attempt TEXT NOT NULL,
	key TEXT NOT NULL,
	at INTEGER NOT NULL,
	PRIMARY KEY (attempt, key)
) STRICT, WITHOUT ROWID;
CREATE INDEX login_failures_key ON login_failures(key, at);
CREATE INDEX login_failures_at ON login_failures(at);

CREATE TABLE audit (
	id TEXT PRIMARY KEY,
	at INTEGER NOT NULL,
	actor_id TEXT NOT NULL,
	action TEXT NOT NULL,
	target TEXT NOT NULL,
	doc TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX audit_actor ON audit(actor_id, id);
CREATE INDEX audit_action ON audit(action, id);
CREATE INDEX audit_target ON audit(target, id);

CREATE TABLE assets (
	id TEXT PRIMARY KEY,
	doc TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE leases (
	name TEXT PRIMARY KEY,
	holder TEXT NOT NULL,
	expires_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- The readiness probe's write: one row, never data.
CREATE TABLE probe (
	id INTEGER PRIMARY KEY,
	n INTEGER NOT NULL
) STRICT;

-- Named values: the change counter, secrets.
CREATE TABLE settings (
	name TEXT PRIMARY KEY,
	n INTEGER NOT NULL DEFAULT 0,
	value BLOB
) STRICT, WITHOUT ROWID;

CREATE TABLE places (
	key TEXT PRIMARY KEY,
	n INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
`,
	// Step 2: every kind of item in one table. A kind (stories now,
	// lectures and videos next) is a value of the kind column; its lists
	// walk the same indexes with the kind as their first key.
	`
CREATE TABLE items (
	kind TEXT NOT NULL,
	id TEXT NOT NULL,
	slug TEXT NOT NULL,
	version INTEGER NOT NULL,
	status TEXT NOT NULL,
	group_key TEXT NOT NULL,
	trashed INTEGER NOT NULL,
	trashed_at INTEGER,
	due_at INTEGER,
	listed_at INTEGER,
	listed_group TEXT,
	meta TEXT NOT NULL,
	texts TEXT NOT NULL,
	PRIMARY KEY (kind, id)
) STRICT;
CREATE UNIQUE INDEX items_slug ON items(kind, slug);
CREATE INDEX items_admin ON items(kind, trashed, id);
CREATE INDEX items_admin_status ON items(kind, trashed, status, id);
CREATE INDEX items_admin_group ON items(kind, trashed, group_key, id);
CREATE INDEX items_listed ON items(kind, listed_at, id) WHERE listed_at IS NOT NULL;
CREATE INDEX items_listed_group ON items(kind, listed_group, listed_at, id) WHERE listed_at IS NOT NULL;
CREATE INDEX items_due ON items(kind, due_at, id) WHERE due_at IS NOT NULL;
CREATE INDEX items_trashed ON items(kind, trashed_at, id) WHERE trashed_at IS NOT NULL;

-- group_key is the working copy's group (a story's column, a lecture's
-- series); listed_at and listed_group the live copy's sort time and group
-- while readers see the item (live and untrashed), NULL otherwise; due_at
-- the schedule's time while the item is untrashed. meta is the record
-- without its long texts, texts a JSON array of them. Derived on every
-- write, so each list's index holds exactly the rows it lists.

-- Tags of the working copy (live = 0, sort_at = 0) and of the live copy
-- while readers see the item (live = 1, sort_at = its listed_at).
CREATE TABLE item_tags (
	kind TEXT NOT NULL,
	tag TEXT NOT NULL,
	live INTEGER NOT NULL,
	sort_at INTEGER NOT NULL,
	item_id TEXT NOT NULL,
	PRIMARY KEY (kind, tag, live, sort_at, item_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX item_tags_item ON item_tags(kind, item_id);

INSERT INTO items(kind, id, slug, version, status, group_key, trashed, trashed_at, due_at, listed_at, listed_group, meta, texts)
	SELECT 'stories', id, slug, version, status, column_key, trashed, trashed_at, due_at, listed_at, listed_column, meta,
		json_array(body, body_html, live_body_html) FROM stories;
INSERT INTO item_tags(kind, tag, live, sort_at, item_id) SELECT 'stories', tag, live, sort_at, story_id FROM story_tags;
DROP TABLE story_tags;
DROP TABLE stories;
`,
	// Step 3: readers' registrations for lecture sessions.
	`
CREATE TABLE registrations (
	id TEXT PRIMARY KEY,
	lecture_id TEXT NOT NULL,
	code_hash TEXT NOT NULL UNIQUE,
	-- the session and phone while active, unique: a number registers once
	active_key TEXT NOT NULL UNIQUE,
	status TEXT NOT NULL,
	seq INTEGER NOT NULL,
	version INTEGER NOT NULL,
	purge_at INTEGER NOT NULL,
	to_tell INTEGER NOT NULL,
	doc TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX registrations_lecture ON registrations(lecture_id, seq);
CREATE INDEX registrations_lecture_status ON registrations(lecture_id, status, seq);
CREATE INDEX registrations_to_tell ON registrations(to_tell, id) WHERE to_tell = 1;
CREATE INDEX registrations_purge ON registrations(purge_at);
`,
	// Step 4: lecture series.
	`
CREATE TABLE series (
	id TEXT PRIMARY KEY,
	slug TEXT NOT NULL UNIQUE,
	version INTEGER NOT NULL,
	doc TEXT NOT NULL
) STRICT, WITHOUT ROWID;
`,
	// Step 5: columns (栏目) as data.
	`
CREATE TABLE columns (
	key TEXT PRIMARY KEY,
	position INTEGER NOT NULL,
	version INTEGER NOT NULL,
	doc TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX columns_position ON columns(position, key);
`,
	// Step 6: the syndication outbox and channel accounts.
	`
CREATE TABLE jobs (
	id TEXT PRIMARY KEY,
	key TEXT NOT NULL UNIQUE,
	kind TEXT NOT NULL,
	entry_id TEXT NOT NULL,
	state TEXT NOT NULL,
	next_at INTEGER NOT NULL,
	lease_until INTEGER NOT NULL,
	version INTEGER NOT NULL,
	doc TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX jobs_due ON jobs(next_at, id) WHERE state = 'queued';
CREATE INDEX jobs_entry ON jobs(kind, entry_id, id);
CREATE INDEX jobs_state ON jobs(state, id);
CREATE TABLE channel_accounts (
	channel TEXT PRIMARY KEY,
	version INTEGER NOT NULL,
	doc TEXT NOT NULL
) STRICT, WITHOUT ROWID;
`,
	// Step 7: the media library. Assets get the columns their list filters
	// on (kind, the lower-cased file name and alt text it searches) and a
	// version; item_media is every item's list of the assets it uses
	// (record.Index.Media), written with the item, so "where is this used"
	// is an index lookup. Items saved before this step get their rows from
	// fillMediaUses, once, when the store opens.
	`
CREATE TABLE assets_v7 (
	id TEXT PRIMARY KEY,
	kind TEXT NOT NULL,
	search TEXT NOT NULL,
	version INTEGER NOT NULL,
	doc TEXT NOT NULL
) STRICT, WITHOUT ROWID;
INSERT INTO assets_v7(id, kind, search, version, doc)
	SELECT id,
		CASE WHEN json_extract(doc, '$.content_type') LIKE 'image/%' THEN 'image'
			WHEN json_extract(doc, '$.content_type') LIKE 'video/%' THEN 'video'
			WHEN json_extract(doc, '$.content_type') = 'text/vtt' THEN 'subtitles'
			ELSE 'document' END,
		lower(json_extract(doc, '$.filename') || char(10) || coalesce(json_extract(doc, '$.alt'), '')),
		1, json_set(doc, '$.version', 1)
	FROM assets;
DROP TABLE assets;
ALTER TABLE assets_v7 RENAME TO assets;
CREATE INDEX assets_kind ON assets(kind, id);
CREATE TABLE item_media (
	asset_id TEXT NOT NULL,
	kind TEXT NOT NULL,
	item_id TEXT NOT NULL,
	PRIMARY KEY (asset_id, kind, item_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX item_media_item ON item_media(kind, item_id);
INSERT INTO settings(name, n) VALUES ('media-uses-to-fill', 1) ON CONFLICT (name) DO UPDATE SET n = 1;
`,
	// Step 8: who created each item, for the admin lists' author filter
	// ("my stories"), alone or with a status.
	`
ALTER TABLE items ADD COLUMN author TEXT NOT NULL DEFAULT '';
UPDATE items SET author = coalesce(json_extract(meta, '$.author'), '');
CREATE INDEX items_admin_author ON items(kind, trashed, author, id);
CREATE INDEX items_admin_author_status ON items(kind, trashed, author, status, id);
`,
	// Step 9: texts keep media as paths (/media/{id}), not as absolute URLs
	// of the site's address of the day (record.MediaPaths). The texts are
	// rewritten and their HTML rendered again by writeMediaPaths, once,
	// when the store opens.
	`
INSERT INTO settings(name, n) VALUES ('media-paths-to-write', 1) ON CONFLICT (name) DO UPDATE SET n = 1;
`,
	// Step 10: registrations again. Each waiting registration's number in
	// its session's waiting order (lectures.Registration.WaitSeq): the list
	// is promoted by it and positions are counted from it; registrations
	// kept from before have 0 (those still waiting come first, in order of
	// arrival). And a phone may register again for a session (the answer
	// to a repeat must not tell it is one): active_key is no longer
	// unique, only indexed, so the table is made anew.
	`
CREATE TABLE registrations_v10 (
	id TEXT PRIMARY KEY,
	lecture_id TEXT NOT NULL,
	code_hash TEXT NOT NULL UNIQUE,
	-- the session and phone while active: whether a number registered
	active_key TEXT NOT NULL,
	status TEXT NOT NULL,
	seq INTEGER NOT NULL,
	wait_seq INTEGER NOT NULL,
	version INTEGER NOT NULL,
	purge_at INTEGER NOT NULL,
	to_tell INTEGER NOT NULL,
	doc TEXT NOT NULL
) STRICT, WITHOUT ROWID;
INSERT INTO registrations_v10(id, lecture_id, code_hash, active_key, status, seq, wait_seq, version, purge_at, to_tell, doc)
	SELECT id, lecture_id, code_hash, active_key, status, seq, 0, version, purge_at, to_tell, doc FROM registrations;
DROP TABLE registrations;
ALTER TABLE registrations_v10 RENAME TO registrations;
CREATE INDEX registrations_lecture ON registrations(lecture_id, seq);
CREATE INDEX registrations_lecture_status ON registrations(lecture_id, status, seq);
CREATE INDEX registrations_waiting ON registrations(lecture_id, status, wait_seq, seq);
CREATE INDEX registrations_to_tell ON registrations(to_tell, id) WHERE to_tell = 1;
CREATE INDEX registrations_purge ON registrations(purge_at);
CREATE INDEX registrations_active ON registrations(active_key);
`,
	// Step 11: read counts (content/reads): one row per item and Beijing
	// day (yyyymmdd), and day 0 for its total, each added to as views are
	// written in batches. "This week's most read" walks reads_day.
	`
CREATE TABLE reads (
	kind TEXT NOT NULL,
	item_id TEXT NOT NULL,
	day INTEGER NOT NULL,
	n INTEGER NOT NULL,
	PRIMARY KEY (kind, item_id, day)
) STRICT, WITHOUT ROWID;
CREATE INDEX reads_day ON reads(day, kind, item_id, n) WHERE day > 0;
`,
	// Step 12: the items' change feed (search.ChangeFeed). Every write of
	// an item takes the next number of item_seq in its own transaction and
	// keeps it in seq; a delete leaves a tombstone in item_gone, pruned
	// after a day (pruned: the highest seq pruned). Items kept from before
	// take their rowid, unique, and the sequence goes on from the highest.
	`
ALTER TABLE items ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
UPDATE items SET seq = rowid;
CREATE INDEX items_seq ON items(kind, seq);
CREATE TABLE item_gone (
	kind TEXT NOT NULL,
	seq INTEGER NOT NULL,
	id TEXT NOT NULL,
	at INTEGER NOT NULL,
	PRIMARY KEY (kind, seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX item_gone_at ON item_gone(at, seq);
CREATE TABLE item_seq (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	n INTEGER NOT NULL,
	pruned INTEGER NOT NULL
) STRICT;
INSERT INTO item_seq(id, n, pruned) SELECT 1, coalesce(max(seq), 0), 0 FROM items;
`,
	// Step 13: what each raise of the change counter changed, for the
	// read caches to drop only that (ChangesSince): the items, or a row
	// with an empty kind for a change of anything. The last few thousand
	// are kept.
	`
CREATE TABLE change_log (
	seq INTEGER NOT NULL,
	kind TEXT NOT NULL,
	item_id TEXT NOT NULL,
	PRIMARY KEY (seq, kind, item_id)
) STRICT, WITHOUT ROWID;
`,
}

// migrate runs the schema steps the database has not had yet.
func (s *Store) migrate(ctx context.Context) error {
	var have int
	if err := s.w.QueryRowContext(ctx, "PRAGMA user_version").Scan(&have); err != nil {
		return dbFault(err, "read the schema version")
	}
	if have > len(schema) {
		return fmt.Errorf("sqlstore: the database has schema version %d, newer than this program knows (%d): run the newer Yinling", have, len(schema))
	}
	for v := have; v < len(schema); v++ {
		err := s.tx(ctx, "update the schema", func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, schema[v]); err != nil {
				return fmt.Errorf("sqlstore: schema step %d: %w", v+1, err)
			}
			_, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", v+1))
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}
