// The part of better-sqlite3 12's API the persistent store uses (the package ships no types and
// @types/better-sqlite3 is not a dependency).
declare module 'better-sqlite3' {
  namespace Database {
    interface RunResult {
      changes: number;
      lastInsertRowid: number | bigint;
    }
    interface Statement<Row = unknown> {
      run(...params: unknown[]): RunResult;
      get(...params: unknown[]): Row | undefined;
      all(...params: unknown[]): Row[];
      iterate(...params: unknown[]): IterableIterator<Row>;
    }
    interface Options {
      readonly?: boolean;
      fileMustExist?: boolean;
      /** busy timeout in ms (default 5000) */
      timeout?: number;
    }
    interface Database {
      readonly inTransaction: boolean;
      readonly open: boolean;
      readonly name: string;
      prepare<Row = unknown>(sql: string): Statement<Row>;
      exec(sql: string): Database;
      pragma(sql: string, options?: { simple?: boolean }): unknown;
      close(): Database;
    }
  }
  const Database: new (filename: string, options?: Database.Options) => Database.Database;
  export default Database;
}
