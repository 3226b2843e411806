// class up --hub, through the command line from source: a Docker Hub class starts only its listener; a class with its
// own registry refuses --hub in one sentence and starts nothing.
import {existsSync} from 'node:fs';
import {readFile, rm} from 'node:fs/promises';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {classFiles, type ClassConfig, type ClassKind, type RunningClass} from '../../src/class/class-types.js';
import {portOpen} from '../helpers/registry.js';
import {classCliFromSource, writeClassFolder} from '../helpers/class-cli.js';

const student = {username: 'alicestudent', password: 'k7qe-m2xa'};
const folders: string[] = [];
const classCli = classCliFromSource;
async function classFolder(kind: ClassKind): Promise<{dir: string; config: ClassConfig}> {
	const made = await writeClassFolder({prefix: 'registry-lab-class-up-hub-', students: [student], config: {kind, name: 'hub-class'}});
	folders.push(made.dir);
	return made;
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
