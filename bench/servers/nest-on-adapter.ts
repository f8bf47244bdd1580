import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { env } from './server-harness.ts';

/** A Nest app of `module` on the adapter named by ADAPTER (express or fastify), logging errors only. */
export function createOnAdapter(module: object) {
  const adapter = env('ADAPTER');
  if (adapter === 'express') return NestFactory.create(module, { logger: ['error'] });
  if (adapter === 'fastify') return NestFactory.create(module, new FastifyAdapter(), { logger: ['error'] });
  throw new Error(`ADAPTER ${adapter}: express or fastify`);
}
