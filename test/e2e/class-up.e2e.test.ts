import {existsSync, readFileSync, statSync} from 'node:fs';
import {mkdir, readFile, rm, writeFile} from 'node:fs/promises';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {classFiles, type ClassConfig, type RunningClass} from '../../src/class/class-types.js';
import {runCommand, type CommandResult} from '../../src/run/run-command.js';
import {requireEngine, tempDockerConfig} from '../helpers/engine.js';
import {dockerLogin, portOpen, pushAsClassmate} from '../helpers/registry.js';
import {freePort, writeClassFolder} from '../helpers/class-cli.js';

const student = {username: 'alice', password: 'k7qe-m2xa-9dfw-t4ny'};
const folders: string[] = [];
const certDirs: string[] = [];

async function classFolder(config: Partial<ClassConfig> = {}): Promise<{dir: string; config: ClassConfig}> {
	const made = await writeClassFolder({prefix: 'registry-lab-class-up-', students: [student], config});
	folders.push(made.dir);
	return made;
}

/** `registry-lab class ARGS` from source, as the instructor runs it; `wrap` runs it under another program (unshare). */
function classCli(args: readonly string[], options: {env?: Record<string, string>; wrap?: readonly string[]} = {}): Promise<CommandResult> {
	const cli = [process.execPath, '--import', 'tsx', 'src/main.ts', 'class', ...args];
	const [file, ...rest] = [...(options.wrap ?? []), ...cli];
	return runCommand({file: file!, args: rest, env: {NO_COLOR: '1', ...options.env}, timeoutMs: 90_000});
}

const readRunning = async (dir: string) => JSON.parse(await readFile(path.join(dir, classFiles.running), 'utf8')) as RunningClass;

/** The process runs (a process ended but not yet reaped by its new parent does not). */
function runs(pid: number): boolean {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		return !['Z', 'X'].includes(stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3));
	} catch {
		return false;
	}
}

function httpStatus(url: string): Promise<number | undefined> {
	return fetch(url).then(
		response => response.status,
		() => undefined,
	);
}

function httpsStatus(url: string, ca: Buffer): Promise<number> {
	return new Promise((resolve, reject) => {
		https
			.get(url, {ca}, response => {
				response.resume();
				resolve(response.statusCode ?? 0);
			})
			.once('error', reject);
	});
}

beforeAll(async () => {
	await requireEngine();
	const version = await runCommand({file: '/usr/bin/docker-registry', args: ['--version']});
	if (version.exitCode !== 0) throw new Error(`These tests need /usr/bin/docker-registry: ${version.spawnError ?? version.stderr}`);
});

afterAll(async () => {
	// Whatever a test left up is stopped, even when it failed half-way.
	for (const dir of folders) {
		await classCli(['down', '--dir', dir]);
		const running = await readRunning(dir).catch(() => undefined);
		for (const pid of [running?.listener.pid, running?.registry?.pid]) {
			if (pid !== undefined && runs(pid)) process.kill(pid, 'SIGKILL');
		}
		await rm(dir, {recursive: true, force: true});
	}
	for (const dir of certDirs) await rm(dir, {recursive: true, force: true});
});

describe('class up and class down', () => {
	it('starts the registry and the listener in the background, takes logins and pushes, refuses a second start, and stops both keeping the data', async () => {
		const {dir, config} = await classFolder();
		const up = await classCli(['up', '--dir', dir]);
		expect(up.stderr).toContain('Only this computer can reach the class');
		expect(up.exitCode).toBe(0);
		expect(up.stdout).toContain(`registry   127.0.0.1:${config.port}`);
		expect(up.stdout).toContain(`npx registry-lab --class 127.0.0.1:${config.listenerPort}`);
		expect(up.stdout).toContain(`registry-lab class dashboard --dir ${dir}`);
		expect(up.stdout).toContain(path.join(dir, classFiles.sheet));

		// Both answer after class up has returned: they run in the background.
		expect(await httpStatus(`http://127.0.0.1:${config.port}/v2/`)).toBe(401);
		expect(await httpStatus(`http://127.0.0.1:${config.listenerPort}/health`)).toBe(200);
		const running = await readRunning(dir);
		expect(running.registry?.pid).toBeGreaterThan(1);
		expect(runs(running.registry!.pid!)).toBe(true);
		expect(runs(running.listener.pid)).toBe(true);
		expect(statSync(path.join(dir, classFiles.registryLog)).mode & 0o777).toBe(0o600);

		// A student logs in with the password on stdin, and a push reaches the event log through the registry's notifications.
		const login = await tempDockerConfig();
		try {
			await dockerLogin(login.env, `127.0.0.1:${config.port}`, student.username, student.password);
		} finally {
			await login.cleanup();
		}
		const pushed = await pushAsClassmate(`127.0.0.1:${config.port}`, student, 'class-up');
		const repository = pushed.split('/').slice(1).join('/').split(':')[0]!;
		await expect.poll(async () => readFile(path.join(dir, classFiles.events), 'utf8').catch(() => ''), {timeout: 15_000}).toContain(repository);

		const again = await classCli(['up', '--dir', dir]);
		expect(again.exitCode).toBe(1);
		expect(again.stderr).toContain('The class is already up');
		expect(again.stderr).toContain(`registry-lab class down --dir ${dir}`);
		expect(runs(running.listener.pid)).toBe(true);

		const down = await classCli(['down', '--dir', dir]);
		expect(down.exitCode).toBe(0);
		expect(down.stdout).toContain(`the class listener (pid ${running.listener.pid}`);
		expect(down.stdout).toContain(`the class registry (pid ${running.registry!.pid}`);
		expect(runs(running.listener.pid)).toBe(false);
		expect(runs(running.registry!.pid!)).toBe(false);
		expect(await portOpen(`127.0.0.1:${config.port}`)).toBe(false);
		expect(await portOpen(`127.0.0.1:${config.listenerPort}`)).toBe(false);
		expect(existsSync(path.join(dir, classFiles.running))).toBe(false);
		expect(readFileSync(path.join(dir, classFiles.events), 'utf8')).toContain(repository);
		expect(existsSync(path.join(dir, classFiles.storage, 'docker', 'registry', 'v2', 'repositories', repository))).toBe(true);

		const nothing = await classCli(['down', '--dir', dir]);
		expect(nothing.exitCode).toBe(0);
		expect(nothing.stdout).toContain('is not up: nothing to stop');
	});

	it('names a port in use and the option that changes it, and starts nothing', async () => {
		const {dir, config} = await classFolder();
		const taken = net.createServer();
		const port = await freePort();
		await new Promise<void>(resolve => taken.listen({host: '127.0.0.1', port}, resolve));
		try {
			const up = await classCli(['up', '--dir', dir, '--port', String(port)]);
			expect(up.exitCode).toBe(1);
			expect(up.stderr).toContain(`Port ${port} on 127.0.0.1 is in use`);
			expect(up.stderr).toContain('--port N');
			const listener = await classCli(['up', '--dir', dir, '--port', String(config.port), '--listener-port', String(port)]);
			expect(listener.exitCode).toBe(1);
			expect(listener.stderr).toContain('--listener-port N');
		} finally {
			await new Promise(resolve => taken.close(resolve));
		}
		expect(existsSync(path.join(dir, classFiles.running))).toBe(false);
		expect(await portOpen(`127.0.0.1:${config.listenerPort}`)).toBe(false);
	});

	it('saves the options it is given in class.json, and refuses bad ones as usage errors', async () => {
		const {dir} = await classFolder();
		const port = await freePort();
		const listenerPort = await freePort();
		const up = await classCli(['up', '--dir', dir, '--port', String(port), '--listener-port', String(listenerPort)]);
		expect(up.exitCode).toBe(0);
		const saved = JSON.parse(readFileSync(path.join(dir, classFiles.config), 'utf8')) as ClassConfig;
		expect([saved.port, saved.listenerPort]).toEqual([port, listenerPort]);
		expect(readFileSync(path.join(dir, classFiles.registryConfig), 'utf8')).toContain(`"http://127.0.0.1:${listenerPort}/events"`);
		expect((await classCli(['down', '--dir', dir])).exitCode).toBe(0);

		for (const args of [
			['--port', '70000'],
			['--bind', 'everywhere'],
			['--address', 'http://x'],
			['--tls', '--no-tls'],
			['--engine', 'rocket'],
		]) {
			const bad = await classCli(['up', '--dir', dir, ...args]);
			expect(bad.exitCode, args.join(' ')).toBe(2);
			expect(bad.stderr).toContain('registry-lab class up:');
		}
		const notAFolder = await classCli(['up', '--dir', path.join(dir, 'storage')]);
		expect(notAFolder.exitCode).toBe(2);
		expect(notAFolder.stderr).toContain('is not a class folder');
	});

	it('says what to install when there is no registry program and no engine, or the registry image cannot be pulled', async () => {
		const {dir} = await classFolder();
		// A mount namespace of its own where /usr/bin/docker-registry is not a program, and a PATH without docker.
		const hidden = ['/usr/bin/unshare', '--mount', '/bin/sh', '-c', '/bin/mount --bind /dev/null /usr/bin/docker-registry && exec "$@"', 'sh'];
		const none = await classCli(['up', '--dir', dir], {wrap: hidden, env: {PATH: '/nonexistent'}});
		expect(none.exitCode).toBe(1);
		expect(none.stderr).toContain('There is no registry program on this computer');
		expect(none.stderr).toContain('docker could not be run');
		expect(none.stderr).toContain('apt-get install docker-registry');
		expect(none.stderr).toContain('or Docker');
		expect(existsSync(path.join(dir, classFiles.running))).toBe(false);

		// docker is there, registry:2 is not, and this machine cannot pull it.
		const image = await runCommand({file: 'docker', args: ['image', 'inspect', 'registry:2']});
		if (image.exitCode === 0) return;
		const unpulled = await classCli(['up', '--dir', dir], {wrap: hidden});
		expect(unpulled.exitCode).toBe(1);
		expect(unpulled.stderr).toContain('the registry:2 image is not here and could not be pulled');
		expect(existsSync(path.join(dir, classFiles.running))).toBe(false);
	});

	it('--tls: serves HTTPS with its own certificate, which docker trusts from certs.d, and reuses it', async () => {
		const {dir, config} = await classFolder();
		const up = await classCli(['up', '--dir', dir, '--tls']);
		expect(up.exitCode).toBe(0);
		const registry = `127.0.0.1:${config.port}`;
		expect(up.stdout).toContain('made now');
		expect(up.stdout).toContain(`/etc/docker/certs.d/${registry}/ca.crt`);
		expect(up.stdout).toContain(`~/.docker/certs.d/${registry}/ca.crt`);
		expect(up.stdout).toContain(`/etc/containers/certs.d/${registry}/ca.crt`);
		const ca = readFileSync(path.join(dir, 'tls', 'ca.crt'));
		expect(statSync(path.join(dir, 'tls', 'key.pem')).mode & 0o777).toBe(0o600);
		expect(await httpsStatus(`https://${registry}/v2/`, ca)).toBe(401);

		const certs = `/etc/docker/certs.d/${registry}`;
		certDirs.push(certs);
		await mkdir(certs, {recursive: true});
		await writeFile(path.join(certs, 'ca.crt'), ca);
		const login = await tempDockerConfig();
		try {
			await dockerLogin(login.env, registry, student.username, student.password);
		} finally {
			await login.cleanup();
		}

		expect((await classCli(['down', '--dir', dir])).exitCode).toBe(0);
		const again = await classCli(['up', '--dir', dir]);
		expect(again.exitCode).toBe(0);
		expect(again.stdout).toContain('the one made before');
		expect(readFileSync(path.join(dir, 'tls', 'ca.crt'))).toEqual(ca);
		expect((await classCli(['down', '--dir', dir])).exitCode).toBe(0);
	});
});
