// A class registry with --tls, for real: class up --tls starts docker-registry with the class's own certificate, and
// the class commands that talk to it (class status's catalog scan, class remove --purge) trust tls/ca.crt.
import {readFileSync} from 'node:fs';
import {mkdir, readFile, rm, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {classFiles, instructorAccount, type ClassConfig, type RunningClass} from '../../src/class/class-types.js';
import {createRegistryClient} from '../../src/registry/registry-client.js';
import {runCommand} from '../../src/run/run-command.js';
import {requireEngine} from '../helpers/engine.js';
import {pushAsClassmate} from '../helpers/registry.js';
import {classCliFromSource, writeClassFolder} from '../helpers/class-cli.js';

const student = {username: 'alice', password: 'k7qe-m2xa-9dfw-t4ny'};
const instructorPassword = 'instructor-pass-0123';
const folders: string[] = [];
const certDirs: string[] = [];
const classCli = classCliFromSource;
async function classFolder(): Promise<{dir: string; config: ClassConfig}> {
	const made = await writeClassFolder({prefix: 'registry-lab-class-tls-', students: [student], config: {instructorPassword}, instructorInHtpasswd: true});
	folders.push(made.dir);
	return made;
}

function runs(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

beforeAll(async () => {
	await requireEngine();
	const version = await runCommand({file: '/usr/bin/docker-registry', args: ['--version']});
	if (version.exitCode !== 0) throw new Error(`These tests need /usr/bin/docker-registry: ${version.spawnError ?? version.stderr}`);
});

afterAll(async () => {
	for (const dir of folders) {
		await classCli(['down', '--dir', dir]);
		const running = await readFile(path.join(dir, classFiles.running), 'utf8')
			.then(text => JSON.parse(text) as RunningClass)
			.catch(() => undefined);
		for (const pid of [running?.listener.pid, running?.registry?.pid]) if (pid !== undefined && runs(pid)) process.kill(pid, 'SIGKILL');
		await rm(dir, {recursive: true, force: true});
	}
	for (const dir of certDirs) await rm(dir, {recursive: true, force: true});
});

describe('a class registry with --tls', () => {
	it('class status finds a push by its catalog scan over HTTPS, and class remove --purge deletes the images', async () => {
		const {dir, config} = await classFolder();
		const up = await classCli(['up', '--dir', dir, '--tls']);
		expect(up.exitCode, up.stderr).toBe(0);
		const registry = `127.0.0.1:${config.port}`;
		const ca = readFileSync(path.join(dir, classFiles.tlsDir, 'ca.crt'));

		// The student's engine trusts the class's certificate as the class up output says.
		const certs = `/etc/docker/certs.d/${registry}`;
		certDirs.push(certs);
		await mkdir(certs, {recursive: true});
		await writeFile(path.join(certs, 'ca.crt'), ca);
		const pushed = await pushAsClassmate(registry, student, 'class-tls');
		const reference = pushed.slice(registry.length + 1);

		// Once the listener has logged the push, the log is emptied: what status shows now, only the catalog scan found.
		const events = path.join(dir, classFiles.events);
		await expect.poll(async () => readFile(events, 'utf8').catch(() => ''), {timeout: 15_000}).toContain(reference.split(':')[0]);
		await writeFile(events, '');
		const status = await classCli(['status', '--dir', dir, '--json']);
		expect(status.stderr).toBe('');
		expect(status.exitCode).toBe(0);
		const json = JSON.parse(status.stdout) as {students: {username: string; pushed: {reference: string; digest: string; at: string | null}[]}[]};
		expect(json.students.find(row => row.username === student.username)?.pushed).toEqual([
			{reference, digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) as string, at: null},
		]);
		expect(status.stdout).not.toContain(instructorPassword);

		const removed = await classCli(['remove', student.username, '--purge', '--dir', dir]);
		expect(removed.stderr).toBe('');
		expect(removed.exitCode).toBe(0);
		expect(removed.stdout).toContain(`Deleted 1 tag in 1 repository under ${student.username}/ from the class registry.`);
		const client = createRegistryClient({registry, scheme: 'https', ca, credentials: {username: instructorAccount, password: instructorPassword}});
		const [repository, tag] = reference.split(':') as [string, string];
		expect(await client.headManifest(repository, tag)).toMatchObject({ok: false, reason: 'not-found'});
	});
});
