// class up --hub, through the command line from source: a Docker Hub class starts only its listener; a class with its
// own registry refuses --hub in one sentence and starts nothing.
import {existsSync} from 'node:fs';
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {accountsCsv, writeClassConfig} from '../../src/class/class-config-file.js';
import {classFiles, type ClassConfig, type ClassKind, type RunningClass} from '../../src/class/class-types.js';
import {htpasswdLine} from '../../src/registry/htpasswd.js';
import {runCommand, type CommandResult} from '../../src/run/run-command.js';
import {portOpen} from '../helpers/registry.js';
import {freePort} from '../helpers/class-cli.js';

const student = {username: 'alicestudent', password: 'k7qe-m2xa'};
const folders: string[] = [];
async function classFolder(kind: ClassKind): Promise<{dir: string; config: ClassConfig}> {
	const dir = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-class-up-hub-'));
	folders.push(dir);
	const config: ClassConfig = {
		version: 1,
		kind,
		name: 'hub-class',
		lesson: 'registries',
		address: '127.0.0.1',
		bind: '127.0.0.1',
		port: await freePort(),
		listenerPort: await freePort(),
		tls: false,
		notifySecret: 'notify-secret-0123456789',
		httpSecret: 'http-secret-0123456789',
		instructorPassword: 'instructor-pass-0123',
	};
	await writeClassConfig(dir, config);
	await writeFile(path.join(dir, classFiles.htpasswd), `${htpasswdLine(student.username, student.password, 4)}\n`, {mode: 0o600});
	await writeFile(path.join(dir, classFiles.accounts), accountsCsv([student], kind), {mode: 0o600});
	return {dir, config};
}

function classCli(args: readonly string[]): Promise<CommandResult> {
	return runCommand({file: process.execPath, args: ['--import', 'tsx', 'src/main.ts', 'class', ...args], env: {NO_COLOR: '1'}, timeoutMs: 90_000});
}

afterAll(async () => {
	for (const dir of folders) {
		await classCli(['down', '--dir', dir]);
		const running = await readFile(path.join(dir, classFiles.running), 'utf8')
			.then(text => JSON.parse(text) as RunningClass)
			.catch(() => undefined);
		if (running) {
			try {
				process.kill(running.listener.pid, 'SIGKILL');
			} catch {
				// already gone
			}
		}
		await rm(dir, {recursive: true, force: true});
	}
});

describe('class up --hub', () => {
	it('starts only the listener of a Docker Hub class', async () => {
		const {dir, config} = await classFolder('hub');
		const up = await classCli(['up', '--hub', '--dir', dir]);
		expect(up.exitCode, up.stderr).toBe(0);
		expect(up.stdout).toContain(`listener   127.0.0.1:${config.listenerPort}`);
		expect(up.stdout).not.toContain('registry   ');
		const running = JSON.parse(await readFile(path.join(dir, classFiles.running), 'utf8')) as RunningClass;
		expect(running.registry).toBeUndefined();
		expect(await portOpen(`127.0.0.1:${config.listenerPort}`)).toBe(true);
		expect(await portOpen(`127.0.0.1:${config.port}`)).toBe(false);
		expect((await classCli(['down', '--dir', dir])).exitCode).toBe(0);
	});

	it('is refused for a class with its own registry, in one sentence, and starts nothing', async () => {
		const {dir, config} = await classFolder('registry');
		const up = await classCli(['up', '--hub', '--dir', dir]);
		expect(up.exitCode).toBe(2);
		expect(up.stderr).toContain(
			'is a class with its own registry, not a Docker Hub class: run class up without --hub, or make a Docker Hub class with class init --hub.',
		);
		expect(existsSync(path.join(dir, classFiles.running))).toBe(false);
		expect(await portOpen(`127.0.0.1:${config.listenerPort}`)).toBe(false);

		const help = await classCli(['up', '--help']);
		expect(help.stdout).toMatch(/--hub +a Docker Hub class: start only the listener/);
	});
});
