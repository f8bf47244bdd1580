// Lets a plain `node` child process run the project's TypeScript the way jest does (swc, decorator metadata).
import { register } from 'node:module';

register('./swc-loader.mjs', import.meta.url);
