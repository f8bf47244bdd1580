import { Injectable } from '@nestjs/common';
import { NO_OBSERVER, type BaofooObserver } from './baofoo-observer.ts';

/**
 * The observer the services report to, read at every observation point: the
 * no-op until BaofooOperationsModule installs metrics or spans at boot (the
 * services exist before it does, so it is set here rather than injected).
 */
@Injectable()
export class BaofooObservation {
  observer: BaofooObserver = NO_OBSERVER;
}

/** For services built by hand (the CLI, a test): never observed. */
export const UNOBSERVED: { readonly observer: BaofooObserver } = Object.freeze({ observer: NO_OBSERVER });
