import { execFileSync } from 'node:child_process';
import { userInfo } from 'node:os';

const INSTALL_ENV = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };

function aptGet(args: string[]): void {
  const sudo = userInfo().uid === 0 ? [] : ['sudo', '-n'];
  const [cmd, ...rest] = [...sudo, 'apt-get', ...args];
  execFileSync(cmd, rest, { stdio: 'inherit', env: INSTALL_ENV, timeout: 600_000 });
}

/** Installs Debian packages a test harness needs (a fresh CI image has none of them). */
export function aptInstall(packages: string[]): void {
  try {
    aptGet(['install', '-y', '--no-install-recommends', ...packages]);
  } catch {
    // A fresh image has empty package lists; refreshing them costs time, so only on failure.
    aptGet(['update']);
    aptGet(['install', '-y', '--no-install-recommends', ...packages]);
  }
}
