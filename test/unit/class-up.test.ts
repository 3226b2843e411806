import {spawn} from 'node:child_process';
import {X509Certificate} from 'node:crypto';
import {existsSync, readFileSync, statSync} from 'node:fs';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {classState, containerName, isOurProcess, lastLines, notifyUrl, portProblem} from '../../src/class/class-processes.js';
import {certificateNames, certificatePlaces, ensureClassCertificate, subjectAltName} from '../../src/class/class-tls.js';
import {classFiles, type ClassConfig} from '../../src/class/class-types.js';

const dirs: string[] = [];
afterEach(async () => {
	for (const dir of dirs.splice(0)) await rm(dir, {recursive: true, force: true});
});
async function tempDir(): Promise<string> {
	const dir = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-class-up-unit-'));
	dirs.push(dir);
	return dir;
}

const config = (overrides: Partial<ClassConfig> = {}): ClassConfig => ({
	version: 1,
	kind: 'registry',
	name: 'period-3',
	lesson: 'registries',
	address: '192.168.1.20',
	bind: '0.0.0.0',
	port: 5000,
	listenerPort: 5080,
	tls: false,
	notifySecret: 'n',
	httpSecret: 'h',
	instructorPassword: 'p',
	...overrides,
});

describe('the class certificate', () => {
	it('is valid for the address students use, the bind address when it is one, and this computer', () => {
		expect(certificateNames('Lab-PC.school.example', '0.0.0.0')).toEqual(['lab-pc.school.example', '127.0.0.1', 'localhost']);
		expect(certificateNames('192.168.1.20', '192.168.1.20')).toEqual(['192.168.1.20', '127.0.0.1', 'localhost']);
		expect(certificateNames('lab-pc', '10.0.0.5')).toEqual(['lab-pc', '10.0.0.5', '127.0.0.1', 'localhost']);
		expect(subjectAltName(['lab-pc', '10.0.0.5', '::1'])).toBe('DNS:lab-pc,IP:10.0.0.5,IP:::1');
	});

	it('is made with openssl, private, kept while it fits, and made again for a new address or when it is about to expire', async () => {
		const dir = await tempDir();
		const made = await ensureClassCertificate(dir, 'lab-pc.school.example', '0.0.0.0');
		expect(made).toMatchObject({ok: true, made: true});
		if (!made.ok) return;
		const certificate = new X509Certificate(readFileSync(made.certificate));
		expect(certificate.checkHost('lab-pc.school.example')).toBe('lab-pc.school.example');
		expect(certificate.checkIP('127.0.0.1')).toBe('127.0.0.1');
		expect(certificate.ca).toBe(true);
		expect(statSync(made.key).mode & 0o777).toBe(0o600);
		expect(made.validTo.getTime() - Date.now()).toBeGreaterThan(360 * 24 * 60 * 60 * 1000);

		expect(await ensureClassCertificate(dir, 'lab-pc.school.example', '0.0.0.0')).toMatchObject({ok: true, made: false});
		expect(await ensureClassCertificate(dir, '192.168.1.20', '0.0.0.0')).toMatchObject({ok: true, made: true});
		const nearlyExpired = new Date(Date.now() + 362 * 24 * 60 * 60 * 1000);
		expect(await ensureClassCertificate(dir, '192.168.1.20', '0.0.0.0', {now: nearlyExpired})).toMatchObject({ok: true, made: true});
	});

	it('says openssl is needed when it cannot be run, and leaves nothing half-made', async () => {
		const dir = await tempDir();
		const result = await ensureClassCertificate(dir, 'lab-pc', '0.0.0.0', {openssl: path.join(dir, 'no-openssl')});
		expect(result.ok).toBe(false);
		if (result.ok) return;
		expect(result.problem).toContain('needs the openssl program');
		expect(result.hint).toContain('apt-get install openssl');
		expect(existsSync(path.join(dir, classFiles.tlsDir, 'ca.crt'))).toBe(false);
	});

	it('tells students where each engine looks for it', () => {
		expect(certificatePlaces('lab-pc:5000').map(place => place.path)).toEqual([
			'/etc/docker/certs.d/lab-pc:5000/ca.crt',
			'~/.docker/certs.d/lab-pc:5000/ca.crt',
			'/etc/containers/certs.d/lab-pc:5000/ca.crt',
		]);
	});
});

describe('the class processes', () => {
	it('send notifications to the listener where the registry can reach it', () => {
		expect(notifyUrl(config(), false)).toBe('http://127.0.0.1:5080/events');
		expect(notifyUrl(config({bind: '10.0.0.5'}), false)).toBe('http://10.0.0.5:5080/events');
		expect(notifyUrl(config({bind: '::1'}), false)).toBe('http://[::1]:5080/events');
		expect(notifyUrl(config(), true)).toBe('http://host.docker.internal:5080/events');
	});

	it('name the container after the folder, the same however the folder is written', () => {
		expect(containerName('/srv/period-3')).toMatch(/^registry-lab-class-[0-9a-f]{12}$/);
		expect(containerName('/srv/period-3/')).toBe(containerName('/srv/period-3'));
		expect(containerName('/srv/period-4')).not.toBe(containerName('/srv/period-3'));
	});

	it('name a port in use with the option that changes it, and an address that is not this computer', async () => {
		const server = net.createServer();
		await new Promise<void>(resolve => server.listen({host: '127.0.0.1', port: 0}, resolve));
		const {port} = server.address() as net.AddressInfo;
		try {
			expect(await portProblem('127.0.0.1', port, '--listener-port')).toBe(
				`Port ${port} on 127.0.0.1 is in use by another program: choose another with --listener-port N (or stop that program).`,
			);
		} finally {
			await new Promise(resolve => server.close(resolve));
		}
		expect(await portProblem('127.0.0.1', port, '--port')).toBeNull();
		expect(await portProblem('192.0.2.1', port, '--port')).toContain('192.0.2.1 is not an address of this computer');
	});

	it('show the last lines of a log bounded and safe to print', () => {
		const log = ['first', ...Array.from({length: 30}, (_, index) => `line ${index}`), `\u001b]0;title\u0007${'x'.repeat(1000)}`].join('\n');
		const tail = lastLines(log).split('\n');
		expect(tail).toHaveLength(20);
		expect(tail[0]).toBe('line 11');
		expect(tail.at(-1)).not.toContain('\u001b');
		expect(tail.at(-1)!.length).toBeLessThan(420);
	});

	it('are ours only when they run and name the class folder', async () => {
		const dir = await tempDir();
		expect(isOurProcess(process.pid, dir)).toBe(false);
		expect(isOurProcess(2 ** 22 + 1, dir)).toBe(false);
		const child = spawn('/bin/sh', ['-c', 'sleep 30', 'sh', path.join(dir, 'registry.yml')], {stdio: 'ignore'});
		const exited = new Promise(resolve => child.once('exit', resolve));
		try {
			expect(isOurProcess(child.pid!, dir)).toBe(true);
			expect(isOurProcess(child.pid!, `${dir}-other`)).toBe(false);
		} finally {
			child.kill('SIGKILL');
			await exited;
		}
		expect(isOurProcess(child.pid!, dir)).toBe(false);
	});

	it('treat a running.json whose processes are gone as down, and remove it', async () => {
		const dir = await tempDir();
		const running = path.join(dir, classFiles.running);
		await writeFile(
			running,
			JSON.stringify({startedAt: '2026-01-01T00:00:00Z', registry: {pid: 2 ** 22 + 1, port: 5000}, listener: {pid: process.pid, port: 5080}}),
		);
		expect(await classState(dir)).toEqual({kind: 'down'});
		expect(existsSync(running)).toBe(false);
	});
});
