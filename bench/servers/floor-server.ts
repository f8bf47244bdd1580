import pg from 'pg';
import { listenBare } from './bare-http.ts';
import { env, runServer } from './server-harness.ts';

/*
 * The physical limit of the job on this machine: parse the form, verify the
 * MD5, one conditional UPDATE, answer. No framework, no ledger, no outbox.
 */

const SETTLE = `UPDATE baofoo_payment_orders SET status = 'PAID', version = version + 1, fact_money = $3, result_desc = $4, succ_time = $5, updated_at = now()
  WHERE member_id = $1 AND trans_id = $2 AND status = 'PENDING' AND order_money = $3`;

await runServer(async () => {
  // Connections kept, as the module keeps its own: the paced runs must not time a reconnect after the pause between phases.
  const pool = new pg.Pool({ connectionString: env('DATABASE_URL'), max: Number(env('POOL_SIZE')), idleTimeoutMillis: 0 });
  const server = await listenBare(async (f) => {
    const r = await pool.query(SETTLE, [f.get('MemberID'), f.get('TransID'), Number(f.get('FactMoney')), f.get('ResultDesc'), f.get('SuccTime')]);
    return r.rowCount === 1;
  });
  return {
    port: server.port,
    close: async () => {
      await server.close();
      await pool.end();
    },
  };
});
