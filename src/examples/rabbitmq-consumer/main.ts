import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { RmqOptions } from '@nestjs/microservices';
import { ConsumerModule } from './consumer.module.ts';
import { consumerTransport } from './consumer-options.ts';

/** A required variable, or a stop at boot that names it. */
function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: the example consumer needs it (see docs/architecture/bridge-consumers.md)`);
  return value;
}

const app = await NestFactory.createMicroservice<RmqOptions>(
  ConsumerModule.forRoot({ databaseUrl: required('DATABASE_URL') }),
  consumerTransport({ amqpUrl: required('BAOFOO_BRIDGE_AMQP_URL'), queue: process.env.CONSUMER_QUEUE ?? 'shop.baofoo-events', prefetch: Number(process.env.CONSUMER_PREFETCH ?? 1) }),
);
app.enableShutdownHooks();
await app.listen();
