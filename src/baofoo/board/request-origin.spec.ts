import { IpRanges } from '../config/ip-ranges.ts';
import { allowedHostNames, hostNameOf } from './allowed-hosts.ts';
import { requestOrigin, sameOrigin } from './request-origin.ts';

const proxies = new IpRanges(['10.0.0.0/8']);

describe('requestOrigin', () => {
  const forwarded = { host: 'upstream:8080', 'x-forwarded-host': 'evil.example, ops.example.com', 'x-forwarded-proto': 'https' };

  it('believes X-Forwarded-Host and -Proto only from a trusted proxy, and then the value the nearest proxy wrote', () => {
    expect(requestOrigin({ headers: forwarded, socket: { remoteAddress: '::ffff:10.1.2.3' } }, proxies)).toEqual({ proto: 'https', host: 'ops.example.com' });
    expect(requestOrigin({ headers: forwarded, socket: { remoteAddress: '203.0.113.7' } }, proxies)).toEqual({ proto: 'http', host: 'upstream:8080' });
    expect(requestOrigin({ headers: { host: 'a:1', 'x-forwarded-proto': 'gopher' }, socket: { remoteAddress: '10.0.0.1', encrypted: true } }, proxies)).toEqual({ proto: 'https', host: 'a:1' });
  });

  it('compares origins with default ports and case normalised, and refuses what is not an origin', () => {
    expect(sameOrigin('https://ops.example.com', { proto: 'https', host: 'OPS.example.com:443' })).toBe(true);
    expect(sameOrigin('http://ops.example.com', { proto: 'https', host: 'ops.example.com' })).toBe(false);
    expect(sameOrigin('null', { proto: 'https', host: 'ops.example.com' })).toBe(false);
  });
});

describe('allowed host names', () => {
  it('reads the name of a Host value without port or trailing dot, and nothing from a value that is not a host', () => {
    expect(hostNameOf('LocalHost.:3000')).toBe('localhost');
    expect(hostNameOf('[::1]:3621')).toBe('[::1]');
    expect(hostNameOf('evil@localhost')).toBe('');
    expect(hostNameOf('localhost/x')).toBe('');
    expect(hostNameOf(undefined)).toBe('');
  });

  it('defaults to the loopback names and the bound domains, exactly; given names replace the default', () => {
    expect([...allowedHostNames(undefined, ['shop.example.com'])]).toEqual(['localhost', '127.0.0.1', '[::1]', 'shop.example.com']);
    expect([...allowedHostNames(['Ops.Example.com.'], ['shop.example.com'])]).toEqual(['ops.example.com']);
  });

  it('refuses an entry that is not a bare host name, naming it', () => {
    expect(() => allowedHostNames(['https://ops.example.com', 'ok.example', 'a:80'], [])).toThrow(/"https:\/\/ops.example.com", "a:80" are not host names/);
  });
});
