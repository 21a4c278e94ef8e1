// The real LiveKit server the `livekit` test tier talks to. Built from source with Go through the Go
// module proxy (no prebuilt binary can be downloaded here), once per machine, into a cache folder
// named after the version, so a second run finds it and builds nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

// v1.13.5 is the newest tag whose go.mod has no `replace` directives: v1.13.6 and later replace pion's
// webrtc, dtls and ice with LiveKit forks that the module proxy does not serve, and `go install
// pkg@version` refuses replace directives anyway. It asks for Go 1.26.
export const LIVEKIT_SERVER_VERSION = 'v1.13.5';
const PACKAGE = 'github.com/livekit/livekit-server/cmd/server';
const GO_MIN = [1, 26];

/** Where the binary lives: RALLY_LIVEKIT_SERVER if set, else the version's folder in the user cache. */
export function livekitServerBin() {
  if (process.env.RALLY_LIVEKIT_SERVER) return process.env.RALLY_LIVEKIT_SERVER;
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'rally', `livekit-server-${LIVEKIT_SERVER_VERSION}`, 'livekit-server');
}

// `go` on PATH, else where the official release installs it (a CI shell may not have it on PATH).
const GO = spawnSync('sh', ['-c', 'command -v go'], { stdio: 'ignore' }).status === 0 || !existsSync('/usr/local/go/bin/go') ? 'go' : '/usr/local/go/bin/go';

/** "go1.26.8" → [1, 26]; undefined when there is no usable `go`. */
function goVersion() {
  const r = spawnSync(GO, ['env', 'GOVERSION'], { encoding: 'utf8' });
  const m = r.status === 0 ? /^go(\d+)\.(\d+)/.exec(r.stdout.trim()) : null;
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/**
 * Builds livekit-server unless the cached binary is there. Returns an error line naming what is
 * missing instead of throwing, so the caller can stop (or skip the tier) with that one line; `noGo`
 * says the machine has no usable Go, the one case `npm test` may skip the tier for.
 */
export function ensureLivekitServer() {
  const bin = livekitServerBin();
  if (existsSync(bin)) return { ok: true, bin };
  if (process.env.RALLY_LIVEKIT_SERVER) return { ok: false, error: `RALLY_LIVEKIT_SERVER names ${bin}, which does not exist` };
  const go = goVersion();
  if (!go || go[0] < GO_MIN[0] || (go[0] === GO_MIN[0] && go[1] < GO_MIN[1])) {
    return { ok: false, noGo: true, error: `Missing Go ${GO_MIN.join('.')} or newer on PATH (it builds livekit-server ${LIVEKIT_SERVER_VERSION} for the livekit test tier): install Go ${GO_MIN.join('.')}+ (the official tarball; Debian's golang-go is older)` };
  }
  const dir = join(bin, '..');
  mkdirSync(dir, { recursive: true });
  console.log(`Building livekit-server ${LIVEKIT_SERVER_VERSION} with Go into ${dir} (once per machine; a few minutes on 2 cores)…`);
  const started = Date.now();
  const r = spawnSync(GO, ['install', `${PACKAGE}@${LIVEKIT_SERVER_VERSION}`], { stdio: 'inherit', env: { ...process.env, GOBIN: dir } });
  if (r.status !== 0) return { ok: false, error: `go install ${PACKAGE}@${LIVEKIT_SERVER_VERSION} failed (exit ${r.status ?? r.signal})` };
  // `go install` names the binary after its folder (cmd/server); the final name appears only once complete.
  renameSync(join(dir, 'server'), bin);
  console.log(`Built livekit-server ${LIVEKIT_SERVER_VERSION} in ${Math.round((Date.now() - started) / 1000)} s.`);
  return { ok: true, bin };
}
