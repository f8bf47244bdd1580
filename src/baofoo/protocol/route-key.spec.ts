import { describe, expect, it } from '@jest/globals';
import { routeKey } from './route-key.ts';

describe('routeKey', () => {
  it.each([
    ['/baofoo/notify', '/baofoo/notify'],
    ['/Baofoo/Notify/', '/baofoo/notify'],
    ['http://host:80/baofoo/notify?x=1', '/baofoo/notify'],
    ['/baofoo/notify#frag', '/baofoo/notify'],
    // decodeURI, as find-my-way does: unreserved escapes decode, reserved ones (%2F, %3F, %25) stay.
    ['/baofoo/%6Eotify', '/baofoo/notify'],
    ['/baofoo/%6eotify', '/baofoo/notify'],
    ['/baofoo%2Fnotify', '/baofoo%2fnotify'],
    ['/baofoo/%E0%A4%A', '/baofoo/%e0%a4%a'],
    ['', '/'],
  ])('%s → %s', (target, key) => {
    expect(routeKey(target)).toBe(key);
  });
});
