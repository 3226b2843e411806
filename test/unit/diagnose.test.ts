import {describe, expect, it} from 'vitest';
import {verifyLine} from '../../src/checks/verify-run.js';
import {diagnose} from '../../src/container/diagnose.js';
import {causes, type Cause} from '../../src/lesson/results.js';
import {oneLineHint, whatToDoLines} from '../../src/text/what-to-do.js';
import shared from '../fixtures/docker-errors.json' with {type: 'json'};
import real from '../fixtures/engine-errors-real.json' with {type: 'json'};

type SharedCase = {readonly command: string; readonly text: string; readonly cause: string};
type RealCase = SharedCase & {readonly engine: 'docker' | 'podman'; readonly source: string};

const sharedCases: readonly SharedCase[] = shared.cases;
const realCases = real.cases as readonly RealCase[];

const short = (text: string): string => {
	const last = text.trim().split('\n').pop() ?? '';
	return last.length > 90 ? `${last.slice(0, 87)}...` : last;
};

describe('the shared vectors (docker-errors.json)', () => {
	it.each(sharedCases.map(c => ({...c, name: `${c.command}: ${short(c.text)}`})))('$cause ← $name', ({command, text, cause}) => {
		expect(diagnose(text, {command}).cause).toBe(cause);
	});

	it.each(sharedCases.map(c => ({...c, name: short(c.text)})))('$cause ← $name (text alone, no context)', ({text, cause}) => {
		expect(diagnose(text).cause).toBe(cause);
	});
});

describe('messages captured from the engines on this machine (engine-errors-real.json)', () => {
	it.each(realCases.map(c => ({...c, name: `${c.command} [${c.source}]`})))('$cause ← $name', ({command, text, cause, engine}) => {
		expect(diagnose(text, {command, engine}).cause).toBe(cause);
	});

	it('covers every cause a local engine can show, in both docker CLI families and podman', () => {
		const seen = new Set(realCases.map(c => c.cause));
		for (const cause of [
			'engine-missing',
			'daemon-unreachable',
			'daemon-permission',
			'login-failed',
			'not-logged-in',
			'image-not-found',
			'local-image-missing',
			'invalid-reference',
			'http-vs-https',
			'tls-untrusted',
			'credential-helper',
			'network',
			'platform-mismatch',
		] as const) {
			expect(seen, cause).toContain(cause);
		}
		expect(new Set(realCases.map(c => c.engine))).toEqual(new Set(['docker', 'podman']));
	});
});

describe('every cause has words a beginner can act on', () => {
	const samples: Readonly<Record<Cause, string>> = {
		'engine-missing': 'zsh: command not found: docker',
		'daemon-unreachable': 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
		'daemon-permission': 'permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock',
		'login-failed': 'Error response from daemon: login attempt to http://127.0.0.1:5000/v2/ failed with status: 401 Unauthorized',
		'not-logged-in': 'no basic auth credentials',
		'push-denied': 'denied: requested access to the resource is denied',
		'image-not-found': 'manifest unknown: manifest unknown',
		'local-image-missing': 'Error response from daemon: No such image: nosuch:1.0',
		'invalid-reference': 'invalid reference format',
		'rate-limited': 'toomanyrequests: You have reached your pull rate limit.',
		'http-vs-https': 'http: server gave HTTP response to HTTPS client',
		'tls-untrusted': 'x509: certificate signed by unknown authority',
		'credential-helper': 'error getting credentials - err: exit status 1, out: ``',
		network: 'dial tcp 127.0.0.1:5999: connect: connection refused',
		'disk-full': 'write /var/lib/docker/tmp/x: no space left on device',
		'platform-mismatch': 'no matching manifest for linux/arm64/v8 in the manifest list entries',
		unknown: 'something nobody has seen before',
	};

	it.each(causes.map(cause => ({cause})))('$cause', ({cause}) => {
		for (const context of [
			{},
			{command: 'docker push', registry: '127.0.0.1:5000', username: 'alice', reference: '127.0.0.1:5000/alice/demo:1.0'},
			{engine: 'podman' as const},
		]) {
			const diagnosis = diagnose(samples[cause], context);
			expect(diagnosis.cause).toBe(cause);
			expect(diagnosis.title.length).toBeGreaterThan(10);
			expect(diagnosis.hint.length).toBeGreaterThan(10);
			expect(`${diagnosis.title} ${diagnosis.hint}`).not.toMatch(/undefined|null|\[object/);
		}
	});
});

describe('the order of the rules', () => {
	const push =
		'The push refers to repository [docker.io/sam/test92]\n5f70bf18a086: Preparing\n5f70bf18a086: Waiting\n' +
		'denied: requested access to the resource is denied';

	it('a push that prints progress and then "denied" is push-denied', () => {
		expect(diagnose(push, {command: 'docker push sam/test92'}).cause).toBe('push-denied');
	});

	it('"denied" on a pull means the image is missing or private', () => {
		expect(
			diagnose(
				"Error response from daemon: pull access denied for sam/private-app, repository does not exist or may require 'docker login': denied: " +
					'requested access to the resource is denied',
				{command: 'docker pull sam/private-app'},
			).cause,
		).toBe('image-not-found');
		expect(
			diagnose(
				'Error: initializing source docker://sam/private:latest: reading manifest latest in docker.io/sam/private: requested access to the ' +
					'resource is denied',
				{command: 'podman pull sam/private'},
			).cause,
		).toBe('image-not-found');
	});

	it('"unauthorized: authentication required" means not logged in on push and pull, but a refused login on login', () => {
		const text = 'unauthorized: authentication required';
		expect(diagnose(text, {command: 'docker push 127.0.0.1:5000/alice/demo:1.0'}).cause).toBe('not-logged-in');
		expect(diagnose(text, {command: 'docker pull 127.0.0.1:5000/alice/demo:1.0'}).cause).toBe('not-logged-in');
		expect(diagnose(text, {command: 'docker login 127.0.0.1:5000'}).cause).toBe('login-failed');
		expect(diagnose(text, {command: 'podman login --tls-verify=false 127.0.0.1:5000 -u alice'}).cause).toBe('login-failed');
	});

	it('a missing credential helper is not a missing docker', () => {
		expect(diagnose('exec: "docker-credential-desktop": executable file not found in $PATH').cause).toBe('credential-helper');
		expect(diagnose('exec: "docker": executable file not found in $PATH').cause).toBe('engine-missing');
		expect(diagnose('exec: "/nonexistent/docker": executable file not found in $PATH').cause).toBe('engine-missing');
		expect(diagnose('ENOENT').cause).toBe('engine-missing');
		expect(diagnose('Error: spawn podman ENOENT').cause).toBe('engine-missing');
		expect(diagnose('bash: /usr/local/bin/docker: No such file or directory').cause).toBe('engine-missing');
		expect(diagnose('zsh: no such file or directory: /usr/local/bin/docker').cause).toBe('engine-missing');
		expect(diagnose('Error response from daemon: open /var/lib/docker/image/overlay2: no such file or directory').cause).not.toBe('engine-missing');
	});

	it('cannot connect is unreachable, permission denied while connecting is permission', () => {
		expect(diagnose('Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?').cause).toBe('daemon-unreachable');
		expect(
			diagnose(
				'Got permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get ' +
					'"http://%2Fvar%2Frun%2Fdocker.sock/v1.24/info": dial unix /var/run/docker.sock: connect: permission denied',
			).cause,
		).toBe('daemon-permission');
	});

	it('a network failure while fetching a login token is a network problem', () => {
		expect(
			diagnose(
				'Error response from daemon: failed to authorize: failed to fetch anonymous token: Get ' +
					'"https://auth.docker.io/token?scope=repository%3Alibrary%2Falpine%3Apull": dial tcp: lookup auth.docker.io: no such host',
			).cause,
		).toBe('network');
		expect(diagnose('Error response from daemon: Get "https://registry-1.docker.io/v2/": net/http: TLS handshake timeout').cause).toBe('network');
	});

	it('too many failed logins is a rate limit, not a wrong password', () => {
		expect(diagnose('toomanyrequests: too many failed login attempts for username or IP address', {command: 'docker login'}).cause).toBe('rate-limited');
	});

	it('podman wording (containers/image)', () => {
		expect(diagnose('Error: logging into "127.0.0.1:5000": invalid username/password', {command: 'podman login'}).cause).toBe('login-failed');
		expect(
			diagnose('Error: writing blob: initiating layer upload to /v2/alice/x/blobs/uploads/ in 127.0.0.1:5000: unauthorized: authentication required', {
				command: 'podman push',
			}).cause,
		).toBe('not-logged-in');
		expect(
			diagnose(
				'Error: choosing an image from manifest list docker://x/y:1: no image found in manifest list for architecture arm64, variant "v8", OS linux',
			).cause,
		).toBe('platform-mismatch');
		expect(diagnose('Error: writing blob: storing blob to file "/var/tmp/storage123/1": write /var/tmp/storage123/1: no space left on device').cause).toBe(
			'disk-full',
		);
	});

	it('docker v29 (containerd image store) wording', () => {
		expect(
			diagnose('Error response from daemon: failed to resolve reference "127.0.0.1:5000/alice/demo:9.9": 127.0.0.1:5000/alice/demo:9.9: not found', {
				command: 'docker pull 127.0.0.1:5000/alice/demo:9.9',
			}).cause,
		).toBe('image-not-found');
		expect(
			diagnose('push access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed', {
				command: 'docker push demo:1.0',
			}).cause,
		).toBe('push-denied');
		expect(
			diagnose(
				'failed to connect to the docker API at unix:///var/run/docker.sock; check if the path is correct and if the daemon is running: dial ' +
					'unix /var/run/docker.sock: connect: no such file or directory',
			).cause,
		).toBe('daemon-unreachable');
	});

	it('an empty or strange message is unknown', () => {
		expect(diagnose('').cause).toBe('unknown');
		expect(diagnose('  \n').title).toMatch(/without saying why/);
		expect(diagnose('Error: something odd happened').cause).toBe('unknown');
	});
});

describe('hints tailored to what is known', () => {
	it('push-denied on Docker Hub names the image to tag, with the username in front', () => {
		const diagnosis = diagnose('denied: requested access to the resource is denied', {
			command: 'docker push demo:1.0',
			registry: 'docker.io',
			username: 'alice',
			reference: 'demo:1.0',
		});
		expect(diagnosis.cause).toBe('push-denied');
		expect(diagnosis.hint).toContain('alice/demo:1.0');
		expect(diagnosis.hint).toContain('`docker tag demo:1.0 alice/demo:1.0`');
		expect(diagnosis.hint).toContain('`docker push alice/demo:1.0`');
	});

	it("push-denied under someone else's name on Docker Hub, reading the reference from the command", () => {
		const diagnosis = diagnose('denied: requested access to the resource is denied', {command: 'docker push bob/app:2.0', username: 'alice'});
		expect(diagnosis.hint).toContain('`docker tag bob/app:2.0 alice/app:2.0`');
	});

	it('push-denied with the right name tells the student to check who is logged in', () => {
		const diagnosis = diagnose('denied: requested access to the resource is denied', {command: 'docker push alice/app:2.0', username: 'alice'});
		expect(diagnosis.hint).toContain('docker login -u alice');
	});

	it('push-denied with nothing known still explains the username rule', () => {
		expect(diagnose('denied: requested access to the resource is denied').hint).toMatch(/yourname\/demo:1\.0/);
	});

	it('push-denied on a class registry speaks of that registry', () => {
		const diagnosis = diagnose('denied: requested access to the resource is denied', {command: 'docker push 10.0.0.5:5000/bob/app:1.0', username: 'alice'});
		expect(diagnosis.title).toContain('10.0.0.5:5000');
		expect(diagnosis.hint).toContain('docker login 10.0.0.5:5000');
	});

	it('not-logged-in names the login command for the registry and engine', () => {
		expect(diagnose('no basic auth credentials', {command: 'docker push 127.0.0.1:5000/alice/demo:1.0'}).hint).toContain(
			'Run `docker login 127.0.0.1:5000` first',
		);
		expect(diagnose('no basic auth credentials', {registry: '127.0.0.1:5000', username: 'alice'}).hint).toContain('`docker login 127.0.0.1:5000 -u alice`');
		expect(diagnose('unauthorized: authentication required', {command: 'podman push 127.0.0.1:5000/alice/demo:1.0'}).hint).toContain(
			'`podman login 127.0.0.1:5000`',
		);
		expect(diagnose('unauthorized: authentication required', {command: 'docker push alice/demo:1.0'}).hint).toContain('Run `docker login` first');
	});

	it('not-logged-in finds the registry in the message when nothing else says it', () => {
		const diagnosis = diagnose('Error response from daemon: Head "http://127.0.0.1:5000/v2/alice/nothing/manifests/1": no basic auth credentials');
		expect(diagnosis.hint).toContain('`docker login 127.0.0.1:5000`');
	});

	it('login-failed on Docker Hub and on a class registry', () => {
		expect(diagnose('unauthorized: incorrect username or password', {command: 'docker login -u alice'}).hint).toMatch(/Docker ID/);
		const classroom = diagnose('Error response from daemon: login attempt to http://127.0.0.1:5000/v2/ failed with status: 401 Unauthorized', {
			command: 'docker login 127.0.0.1:5000 -u alice --password-stdin',
		});
		expect(classroom.title).toBe('127.0.0.1:5000 did not accept your username or password.');
		expect(classroom.hint).toContain('`docker login 127.0.0.1:5000 -u alice`');
		expect(classroom.hint).not.toMatch(/password-stdin|secret/);
	});

	it('http-vs-https: docker says insecure-registries, podman says --tls-verify=false, both with the host from the message', () => {
		const text = 'Error response from daemon: Get "https://192.0.2.2:5001/v2/": http: server gave HTTP response to HTTPS client';
		const docker = diagnose(text);
		expect(docker.hint).toContain('"insecure-registries": ["192.0.2.2:5001"]');
		expect(docker.hint).toContain('/etc/docker/daemon.json');
		expect(docker.hint).toContain('Docker Desktop');
		const podman = diagnose(
			'Error: initializing source docker://192.0.2.2:5001/a/b:1: pinging container registry 192.0.2.2:5001: Get "https://192.0.2.2:5001/v2/": ' +
				'http: server gave HTTP response to HTTPS client',
			{engine: 'podman'},
		);
		expect(podman.hint).toContain('--tls-verify=false');
		expect(podman.hint).toContain('192.0.2.2:5001');
	});

	it('http-vs-https is the other way round when an HTTPS registry was asked in plain HTTP: nothing to allow', () => {
		const diagnosis = diagnose('Error response from daemon: Get "http://192.0.2.2:5443/v2/": Client sent an HTTP request to an HTTPS server.');
		expect(diagnosis.cause).toBe('http-vs-https');
		expect(diagnosis.title).toBe('The registry 192.0.2.2:5443 speaks HTTPS, but it was asked in plain HTTP.');
		expect(diagnosis.hint).toMatch(/take it out of "insecure-registries"/);
		expect(diagnosis.hint).not.toContain('daemon.json');
	});

	it('tls-untrusted: where to put the CA certificate; an expired certificate is a different fix', () => {
		expect(diagnose('Get "https://192.0.2.2:5443/v2/": x509: certificate signed by unknown authority').hint).toContain(
			'/etc/docker/certs.d/192.0.2.2:5443/ca.crt',
		);
		expect(diagnose('x509: certificate has expired or is not yet valid', {registry: 'registry.example.com'}).hint).toMatch(/date and time/);
	});

	it('daemon-permission: the docker group on Linux, elevated privileges on Windows', () => {
		expect(diagnose('permission denied while trying to connect to the docker API at unix:///var/run/docker.sock').hint).toContain(
			'sudo usermod -aG docker $USER',
		);
		expect(diagnose('permission denied while trying to connect to the docker API at unix:///var/run/docker.sock').hint).toMatch(/log out and back in/);
		expect(
			diagnose('error during connect: in the default daemon configuration on Windows, the docker client must be run with elevated privileges to connect')
				.hint,
		).toMatch(/docker-users|administrator/);
	});

	it('daemon-unreachable: start the engine; mention DOCKER_HOST only when docker looks somewhere unusual', () => {
		const usual = diagnose('Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?');
		expect(usual.hint).toContain('Docker Desktop');
		expect(usual.hint).toContain('sudo systemctl start docker');
		expect(usual.hint).not.toContain('DOCKER_HOST');
		const elsewhere = diagnose('Cannot connect to the Docker daemon at unix:///tmp/nope.sock. Is the docker daemon running?');
		expect(elsewhere.hint).toContain('unix:///tmp/nope.sock');
		expect(elsewhere.hint).toContain('DOCKER_HOST');
		expect(diagnose('Cannot connect to Podman. Please verify your connection', {engine: 'podman'}).hint).toContain('podman machine start');
	});

	it('engine-missing: install docker, or podman, or turn on WSL integration', () => {
		expect(diagnose('bash: docker: command not found').hint).toMatch(/Docker Desktop/);
		expect(diagnose('bash: podman: command not found', {engine: 'podman'}).hint).toMatch(/podman\.io/);
		expect(
			diagnose("The command 'docker' could not be found in this WSL 2 distro.\nWe recommend to activate the WSL integration in Docker Desktop settings.")
				.hint,
		).toMatch(/WSL integration/);
	});

	it('credential-helper names the helper and the config file', () => {
		const diagnosis = diagnose('error getting credentials - err: exec: "docker-credential-desktop": executable file not found in $PATH, out: ``');
		expect(diagnosis.title).toContain('docker-credential-desktop');
		expect(diagnosis.hint).toContain('"credsStore"');
		expect(diagnosis.hint).toContain('config.json');
	});

	it('the other causes say what to run', () => {
		expect(diagnose('Error: No such image: alpine:9', {command: 'docker tag alpine:9 alice/alpine:9'}).title).toContain("'alpine:9'");
		expect(diagnose('tag does not exist: alice/app:2.0').hint).toContain('`docker images`');
		expect(diagnose('no space left on device').hint).toContain('`docker system prune`');
		expect(diagnose('no matching manifest for linux/arm64/v8 in the manifest list entries').hint).toContain('--platform');
		expect(diagnose('no matching manifest for linux/arm64/v8 in the manifest list entries').title).toContain('linux/arm64/v8');
		expect(diagnose('toomanyrequests: You have reached your pull rate limit.').hint).toMatch(/log in/);
		expect(diagnose('manifest unknown', {command: 'docker pull alice/demo:9.9'}).hint).toMatch(/spelling.*tag/);
		expect(diagnose('dial tcp 127.0.0.1:5999: connect: connection refused', {registry: '127.0.0.1:5999'}).hint).toContain(
			'Nothing answers at 127.0.0.1:5999',
		);
		expect(diagnose('dial tcp: lookup registry-1.docker.io: no such host').hint).toMatch(/could not be found/);
	});

	it('invalid-reference explains the rule the name breaks', () => {
		const diagnosis = diagnose('invalid reference format: repository name (Alice/App) must be lowercase', {reference: 'Alice/App:1.0'});
		expect(diagnosis.title).toContain("'Alice/App:1.0'");
		expect(diagnosis.hint).toMatch(/lowercase/);
	});
});

describe('http-vs-https: a plain-HTTP class registry, and exactly what to change', () => {
	const host = '10.0.0.2:5000';
	const docker = `Error response from daemon: Get "https://${host}/v2/": http: server gave HTTP response to HTTPS client`;
	const podman =
		`Trying to pull ${host}/alice/demo:1.0...\nError: initializing source docker://${host}/alice/demo:1.0: pinging container registry ${host}: ` +
		`Get "https://${host}/v2/": http: server gave HTTP response to HTTPS client`;
	const lines = (hint: string): string[] => hint.split('\n');

	it.each(realCases.filter(c => c.cause === 'http-vs-https').map(c => ({...c, name: `${c.command} [${c.source}]`})))(
		'names the address in the message, and where it goes: $name',
		({command, text, engine}) => {
			const named = /Get "https:\/\/([^/"]+)\/v2\/"/.exec(text)?.[1];
			expect(named).toBeDefined();
			const {title, hint} = diagnose(text, {command, engine, platform: 'linux'});
			expect(title).toBe(`The registry ${named} speaks plain HTTP, but ${engine} expected HTTPS.`);
			if (engine === 'docker') {
				expect(lines(hint)).toContain(`  {"insecure-registries": ["${named}"]}`);
				expect(hint).toContain('/etc/docker/daemon.json');
			} else {
				expect(hint).toContain(`  [[registry]]\n  location = "${named}"\n  insecure = true`);
				expect(hint).toContain('/etc/containers/registries.conf');
			}
		},
	);

	it('the address is the one the engine named, not the one the lab was told', () => {
		const diagnosis = diagnose(docker, {command: 'docker login 192.0.2.9:5000', registry: '192.0.2.9:5000'});
		expect(diagnosis.title).toContain(host);
		expect(diagnosis.hint).toContain(`["${host}"]`);
		expect(`${diagnosis.title} ${diagnosis.hint}`).not.toContain('192.0.2.9');
		// Without an address in the message, the registry the lab knows; without either, a placeholder to fill in.
		expect(diagnose('http: server gave HTTP response to HTTPS client', {registry: '192.0.2.9:5000'}).hint).toContain('["192.0.2.9:5000"]');
		expect(diagnose('http: server gave HTTP response to HTTPS client').hint).toContain('["HOST:PORT"]');
	});

	it('an address that is not a registry address never goes into the settings to copy', () => {
		const hostile = 'Get "https://x\'];rm${IFS}-rf/v2/": http: server gave HTTP response to HTTPS client';
		expect(diagnose(hostile, {registry: '192.0.2.9:5000'}).hint).toContain('["192.0.2.9:5000"]');
		expect(diagnose(hostile).hint).toContain('["HOST:PORT"]');
		expect(diagnose(hostile).hint).not.toContain("'];");
		expect(diagnose('Get "https://[fd00::2]:5000/v2/": http: server gave HTTP response to HTTPS client').hint).toContain('["[fd00::2]:5000"]');
	});

	it('docker on Linux: the whole small daemon.json on its own line, then the restart, and Docker Desktop in a line', () => {
		expect(lines(diagnose(docker, {command: 'docker pull', platform: 'linux'}).hint)).toEqual([
			'Allow it in /etc/docker/daemon.json (merged with what the file holds):',
			`  {"insecure-registries": ["${host}"]}`,
			'then restart docker: `sudo systemctl restart docker`.',
			'Docker Desktop: put the key in Settings › Docker Engine; Apply & restart.',
			'Or ask your instructor to run it with TLS: `registry-lab class up --tls`.',
		]);
	});

	it.each(['darwin', 'win32'] as const)('docker on %s: Docker Desktop, Settings › Docker Engine, the line to add, Apply & restart', platform => {
		expect(lines(diagnose(docker, {command: 'docker pull', platform}).hint)).toEqual([
			"Open Docker Desktop's Settings › Docker Engine; after the first {, add:",
			`  "insecure-registries": ["${host}"],`,
			'then click Apply & restart.',
			'Or ask your instructor to run it with TLS: `registry-lab class up --tls`.',
		]);
	});

	it('docker, platform not known (a pasted message): Linux and Docker Desktop both', () => {
		const hint = diagnose(docker).hint;
		expect(hint).toContain('On Linux, allow it in /etc/docker/daemon.json');
		expect(hint).toContain('`sudo systemctl restart docker`');
		expect(hint).toContain('Docker Desktop (Mac, Windows): put the key in Settings › Docker Engine; Apply & restart.');
		expect(diagnose(docker, {platform: 'freebsd'}).hint).toBe(hint);
	});

	it('podman on Linux: registries.conf (or the own one), the per-command flag', () => {
		expect(lines(diagnose(podman, {command: `podman pull ${host}/alice/demo:1.0`, platform: 'linux'}).hint)).toEqual([
			'Add this to the end of /etc/containers/registries.conf:',
			'  [[registry]]',
			`  location = "${host}"`,
			'  insecure = true',
			'(in ~/.config/containers/registries.conf instead, if you have one)',
			`Or add --tls-verify=false to each command: \`podman pull --tls-verify=false ${host}/alice/demo:1.0\`.`,
			'Or ask your instructor to run it with TLS: `registry-lab class up --tls`.',
		]);
	});

	it('podman on Mac or Windows: the file inside the podman machine, then the machine restarted', () => {
		const hint = diagnose(podman, {platform: 'darwin'}).hint;
		expect(lines(hint)[0]).toBe('In `podman machine ssh`, with sudo, add this to the end of /etc/containers/registries.conf:');
		expect(hint).toContain(`  location = "${host}"`);
		expect(hint).toContain('`podman machine stop` and `podman machine start`');
		expect(diagnose(podman).hint).toContain('On Mac or Windows, edit it in `podman machine ssh`');
	});

	it('the instructor and TLS only for a registry elsewhere: a registry on this computer is the student’s own', () => {
		const local = diagnose('Get "https://[::1]:5000/v2/": http: server gave HTTP response to HTTPS client', {platform: 'linux'});
		expect(local.hint).toContain('["[::1]:5000"]');
		expect(local.hint).not.toContain('instructor');
	});

	it('lines short enough for an 80-column terminal, where the app shows them', () => {
		for (const platform of ['linux', 'darwin'] as const) {
			for (const line of lines(diagnose(docker, {command: 'docker login', platform}).hint)) expect(line.length, line).toBeLessThanOrEqual(76);
		}
	});
});

describe('a hint of several lines on the faces', () => {
	it('plain mode and the diagnose command: under "What to do:", indented, one line each; a one-line hint after the words', () => {
		expect(whatToDoLines('Run `docker login` first.')).toEqual(['What to do: Run `docker login` first.']);
		expect(whatToDoLines('Allow it:\n  {"a": 1}\nthen restart.')).toEqual(['What to do:', '  Allow it:', '    {"a": 1}', '  then restart.']);
	});

	it('verify, one line per step: the lines joined', () => {
		const hint = diagnose(docker(), {platform: 'linux'}).hint;
		const line = verifyLine({id: 'login', title: 'Log in', status: 'fail', ok: false, summary: 'The registry answers plain HTTP.', hint});
		expect(line).not.toContain('\n');
		expect(line).toContain(
			'— Allow it in /etc/docker/daemon.json (merged with what the file holds): {"insecure-registries": ["10.0.0.2:5000"]} then restart',
		);
		expect(oneLineHint(hint)).toBe(line.slice(line.indexOf('— ') + 2));
	});

	function docker(): string {
		return 'Error response from daemon: Get "https://10.0.0.2:5000/v2/": http: server gave HTTP response to HTTPS client';
	}
});
