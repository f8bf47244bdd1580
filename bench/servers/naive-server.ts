import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { Body, Controller, HttpCode, Injectable, Module, Post, Res } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import type { Response } from 'express';
import type { AddressInfo } from 'node:net';
import type { Repository } from 'typeorm';
import { baofooPostgresOptions } from '../../src/baofoo/database/postgres-options.ts';
import { PaymentOrderEntity } from '../../src/baofoo/orders/payment-order.entity.ts';
import { env, runServer } from './server-harness.ts';

/*
 * The handler most apps would write: Nest + TypeORM, express's body parser,
 * findOne, check, save. (Racy by design: save() does not check the version.)
 */

const KEY = 'abcdefg';

@Injectable()
class NaiveSettlement {
  constructor(@InjectRepository(PaymentOrderEntity) private readonly orders: Repository<PaymentOrderEntity>) {}

  async settle(f: Record<string, string>): Promise<boolean> {
    const sign = createHash('md5')
      .update(
        `MemberID=${f.MemberID}~|~TerminalID=${f.TerminalID}~|~TransID=${f.TransID}~|~Result=${f.Result}~|~ResultDesc=${f.ResultDesc}` +
          `~|~FactMoney=${f.FactMoney}~|~AdditionalInfo=${f.AdditionalInfo}~|~SuccTime=${f.SuccTime}~|~Md5Sign=${KEY}`,
      )
      .digest('hex');
    if (sign !== f.Md5Sign || f.Result !== '1') return false;
    const order = await this.orders.findOne({ where: { memberId: f.MemberID, transId: f.TransID } });
    if (!order || order.status !== 'PENDING' || order.orderMoney !== Number(f.FactMoney)) return false;
    order.status = 'PAID';
    order.factMoney = Number(f.FactMoney);
    order.resultDesc = f.ResultDesc;
    order.succTime = f.SuccTime;
    await this.orders.save(order);
    return true;
  }
}

@Controller('notify')
class NaiveController {
  constructor(private readonly settlement: NaiveSettlement) {}

  @Post()
  @HttpCode(200)
  async notify(@Body() body: Record<string, string>, @Res() res: Response): Promise<void> {
    const ok = await this.settlement.settle(body);
    res.status(ok ? 200 : 409).type('text/plain').send(ok ? 'OK' : 'FAIL');
  }
}

@Module({
  imports: [
    TypeOrmModule.forRoot(baofooPostgresOptions({ url: env('DATABASE_URL'), poolSize: Number(env('POOL_SIZE')) })),
    TypeOrmModule.forFeature([PaymentOrderEntity]),
  ],
  controllers: [NaiveController],
  providers: [NaiveSettlement],
})
class NaiveAppModule {}

await runServer(async () => {
  const app = await NestFactory.create(NaiveAppModule, { logger: ['error'] });
  await app.listen(0, '127.0.0.1');
  return { port: (app.getHttpServer().address() as AddressInfo).port, close: () => app.close() };
});
