// The store's tables, its pragmas and its prepared statements. Format 1; a store written by another
// format is refused rather than misread.
import Database from 'better-sqlite3';
import type { PersistenceConfig } from '../config/schema.ts';

export type { PersistenceConfig };

/** Opening the store failed: a bad path, another broker holds it, or it is not our database. */
export class PersistenceError extends Error {}

const FORMAT = 1;

const TABLES = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sessions (
  id INTEGER PRIMARY KEY, client_id TEXT NOT NULL UNIQUE, version INTEGER NOT NULL, user TEXT,
  expiry_interval INTEGER NOT NULL, expires_at INTEGER NOT NULL, connected INTEGER NOT NULL,
  will TEXT, will_payload BLOB, will_props BLOB, will_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS subscriptions (
  session_id INTEGER NOT NULL, filter TEXT NOT NULL, qos INTEGER NOT NULL, no_local INTEGER NOT NULL,
  retain_as_published INTEGER NOT NULL, retain_handling INTEGER NOT NULL, sub_id INTEGER NOT NULL,
  PRIMARY KEY (session_id, filter)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS messages (
  id INTEGER PRIMARY KEY, topic TEXT NOT NULL, payload BLOB NOT NULL, qos INTEGER NOT NULL,
  retain INTEGER NOT NULL, props BLOB, expires_at INTEGER NOT NULL, expiry_interval INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS outgoing (
  seq INTEGER PRIMARY KEY, session_id INTEGER NOT NULL, msg_id INTEGER NOT NULL, qos INTEGER NOT NULL,
  retain INTEGER NOT NULL, sub_ids TEXT, packet_id INTEGER NOT NULL, state INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS inbound (
  session_id INTEGER NOT NULL, packet_id INTEGER NOT NULL, PRIMARY KEY (session_id, packet_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS retained (topic TEXT PRIMARY KEY, msg_id INTEGER NOT NULL) WITHOUT ROWID;
`;

/** Opens (creating if needed) and locks the store; every failure is a PersistenceError. */
export function openDatabase(cfg: PersistenceConfig): Database.Database {
  let db: Database.Database | undefined;
  try {
    db = new Database(cfg.path, { timeout: 0 });
    // one broker per store: the lock is taken by the first write below and held until close
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${cfg.sync === 'full' ? 'FULL' : 'NORMAL'}`);
    db.pragma('journal_size_limit = 67108864'); // the WAL shrinks back to 64 MiB after a checkpoint
    db.exec('BEGIN IMMEDIATE');
    db.exec(TABLES);
    const row = db.prepare('SELECT value FROM meta WHERE key = ?').get('format') as
      | { value: number }
      | undefined;
    if (row === undefined) db.prepare('INSERT INTO meta VALUES (?, ?)').run('format', FORMAT);
    else if (row.value !== FORMAT) throw new Error(`store format ${row.value}, this broker reads ${FORMAT}`);
    db.exec('COMMIT');
    return db;
  } catch (e) {
    try {
      db?.close();
    } catch {}
    let why = (e as Error).message;
    if (/locked|busy/i.test(why)) why = 'it is in use by another broker (database is locked)';
    throw new PersistenceError(`cannot open the store ${cfg.path}: ${why}`);
  }
}

export function statements(db: Database.Database) {
  const p = (sql: string) => db.prepare(sql);
  return {
    begin: p('BEGIN'),
    commit: p('COMMIT'),
    rollback: p('ROLLBACK'),
    setMeta: p('INSERT OR REPLACE INTO meta VALUES (?, ?)'),
    maxIds: p(
      'SELECT (SELECT max(id) FROM sessions) AS s, (SELECT max(id) FROM messages) AS m, (SELECT max(seq) FROM outgoing) AS o',
    ),
    upsertSession: p('INSERT OR REPLACE INTO sessions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
    deleteSession: p('DELETE FROM sessions WHERE id = ?'),
    upsertSub: p('INSERT OR REPLACE INTO subscriptions VALUES (?, ?, ?, ?, ?, ?, ?)'),
    deleteSub: p('DELETE FROM subscriptions WHERE session_id = ? AND filter = ?'),
    deleteSubs: p('DELETE FROM subscriptions WHERE session_id = ?'),
    insertMsg: p('INSERT INTO messages VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
    deleteMsg: p('DELETE FROM messages WHERE id = ?'),
    insertOut: p('INSERT INTO outgoing VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
    updateOut: p('UPDATE outgoing SET packet_id = ?, state = ? WHERE seq = ?'),
    insertInbound: p('INSERT OR IGNORE INTO inbound VALUES (?, ?)'),
    deleteInbound: p('DELETE FROM inbound WHERE session_id = ? AND packet_id = ?'),
    deleteInbounds: p('DELETE FROM inbound WHERE session_id = ?'),
    upsertRetained: p('INSERT OR REPLACE INTO retained VALUES (?, ?)'),
    deleteRetained: p('DELETE FROM retained WHERE topic = ?'),
  };
}
