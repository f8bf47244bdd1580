import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { Test, type TestingModule } from '@nestjs/testing';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { BaofooModule } from '../../src/baofoo/baofoo.module.ts';
import { BaofooDatabase } from '../../src/baofoo/database/baofoo-database.ts';
import { baofooPostgresOptions } from '../../src/baofoo/database/postgres-options.ts';
import { testOptions } from '../support/baofoo-test-app.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

describe('the module on a named DataSource', () => {
  let db: TestDatabase;
  let moduleRef: TestingModule;

  beforeAll(async () => {
    db = await createTestDatabase();
    moduleRef = await Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot({ ...baofooPostgresOptions({ url: db.url, poolSize: 2 }), name: 'payments' }),
        EventEmitterModule.forRoot(),
        BaofooModule.forRoot({ ...testOptions({ database: { statementTimeoutMs: 1234 } }), dataSource: 'payments' }),
      ],
    }).compile();
    await moduleRef.init();
  });
  afterAll(async () => {
    await moduleRef.close();
    await db.drop();
  });

  it('connects like that DataSource, with its own statement timeout that the app’s queries do not get', async () => {
    const appDataSource = moduleRef.get<DataSource>(getDataSourceToken('payments'));
    const module = moduleRef.get(BaofooDatabase);

    const [mine] = await module.query<{ statement_timeout: string; db: string }>('SELECT current_setting($1) AS statement_timeout, current_database() AS db', ['statement_timeout']);
    const [apps] = (await appDataSource.query('SHOW statement_timeout')) as { statement_timeout: string }[];

    expect(mine).toEqual({ statement_timeout: '1234ms', db: db.name });
    expect(apps.statement_timeout).toBe('0');
  });
});
