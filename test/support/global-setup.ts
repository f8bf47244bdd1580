import { startEmbeddedDatabase } from '../../src/infra/embedded-database.ts';
export default async function () {
  const t = Date.now();
  const db = await startEmbeddedDatabase({ dataDir: `/tmp/baofoo-test-${process.pid}/data` });
  console.log('started in', Date.now() - t, db.url);
  const pg = (await import('pg')).default;
  const c = new pg.Client(db.url); await c.connect(); console.log((await c.query('select version()')).rows[0]); await c.end();
  await db.stop();
}
