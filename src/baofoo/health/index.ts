// A separate entry point (`nestjs-baofoo/health`): only apps that use @nestjs/terminus load it.
export { BaofooHealthIndicator, type BaofooHealthLimits, type BaofooHealthSnapshot } from './baofoo.health-indicator.ts';
