import 'reflect-metadata';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BaofooModule } from '../../../src/baofoo/baofoo.module.ts';
import { BaofooBridgeModule } from '../../../src/baofoo/bridge/baofoo-bridge.module.ts';
import { OutboxBridge } from '../../../src/baofoo/bridge/outbox-bridge.service.ts';
import { baofooPostgresOptions } from '../../../src/baofoo/database/postgres-options.ts';
import { testOptions } from '../../support/baofoo-test-app.ts';

/**
 * The bridge suites' app, in a process of its own so that an unhandled error
 * really ends it and the suite sees the exit: the module with its relay, and
 * the bridge publishing to `BAOFOO_BRIDGE_AMQP_URL` with short waits, so a
 * broker that comes back is used again within the test. No handler for
 * uncaught errors, on purpose. Reports `{ ready: url }`, and
 * `{ bridge: state }` when asked `{ report: true }`.
 */
const moduleRef = await Test.createTestingModule({
  imports: [
    TypeOrmModule.forRoot(baofooPostgresOptions({ url: process.env.DATABASE_URL ?? '', poolSize: 4 })),
    EventEmitterModule.forRoot(),
    BaofooModule.forRoot({ ...testOptions({ outbox: { enabled: true, pollIntervalMs: 200 } }), isGlobal: true }),
    BaofooBridgeModule.forRoot({ batchSize: 50, pollIntervalMs: 50, confirmTimeoutMs: 5000, leaseMs: 15_000, backoffMs: 100, maxBackoffMs: 1000 }),
  ],
})
  .compile();

const app = moduleRef.createNestApplication({ rawBody: true, logger: ['error', 'warn', 'log'] });
await app.listen(0, '127.0.0.1');
const bridge = app.get(OutboxBridge);
process.on('message', (m: { report?: boolean }) => {
  if (m.report) process.send?.({ bridge: { ...bridge.state, published: bridge.publishedCount } });
});
process.send?.({ ready: await app.getUrl() });
