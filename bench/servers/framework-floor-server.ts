import 'reflect-metadata';
import { Body, Controller, HttpCode, Module, Post } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { InjectDataSource, TypeOrmModule } from '@nestjs/typeorm';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import { baofooPostgresOptions } from '../../src/baofoo/database/postgres-options.ts';
import { signedSuccess } from '../bench-signing.ts';
import { createOnAdapter } from './nest-on-adapter.ts';
import { env, runServer } from './server-harness.ts';

/*
 * What the framework alone costs on one adapter (ADAPTER): the module
 * server's Nest, TypeORM and event emitter, the adapter's own body parser, the
 * floor's MD5 check and single UPDATE through TypeORM's pool. No ledger, no
 * outbox, no module. What the module on that adapter cannot go below.
 */

const SETTLE = `UPDATE baofoo_payment_orders SET status = 'PAID', version = version + 1, fact_money = $3, result_desc = $4, succ_time = $5, updated_at = now()
  WHERE member_id = $1 AND trans_id = $2 AND status = 'PENDING' AND order_money = $3`;

@Controller('baofoo/notify')
class FrameworkFloorController {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @Post()
  @HttpCode(200)
  async notify(@Body() body: Record<string, string>): Promise<string> {
    const f = new URLSearchParams(body);
    if (!signedSuccess(f)) return 'FAIL';
    // TypeORM answers an UPDATE with [rows, affected count].
    const [, changed] = (await this.db.query(SETTLE, [f.get('MemberID'), f.get('TransID'), Number(f.get('FactMoney')), f.get('ResultDesc'), f.get('SuccTime')])) as [unknown, number];
    return changed === 1 ? 'OK' : 'FAIL';
  }
}

@Module({
  imports: [TypeOrmModule.forRoot(baofooPostgresOptions({ url: env('DATABASE_URL'), poolSize: Number(env('POOL_SIZE')) })), EventEmitterModule.forRoot()],
  controllers: [FrameworkFloorController],
})
class FrameworkFloorModule {}

await runServer(async () => {
  const app = await createOnAdapter(FrameworkFloorModule);
  await app.listen(0, '127.0.0.1');
  return { port: (app.getHttpServer().address() as AddressInfo).port, close: () => app.close() };
});
