// Two real distribution registries share one storage folder, one htpasswd and one http.secret, and both
// notify one class listener (docs/class-at-scale.md): students push and pull through different replicas,
// and the class view shows each push and each pull once.
import {spawn, type ChildProcess} from 'node:child_process';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {readAccounts, readClassConfig, writeClassConfig, type Account} from '../../src/class/class-config-file.js';
import {registryConfigText} from '../../src/class/class-processes.js';
import type {RegistryRecord} from '../../src/class/class-types.js';
import {createRegistryClient} from '../../src/registry/registry-client.js';
import {runCommand} from '../../src/run/run-command.js';
import {buildCli, builtCli, classRecords, classStatus, eventually, freePort, initLoopbackClass} from '../helpers/class-cli.js';
import {removeImage, requireEngine, tempDockerConfig} from '../helpers/engine.js';
import {portOpen, pushAsClassmate} from '../helpers/registry.js';

const registryBinary = '/usr/bin/docker-registry';
const started: ChildProcess[] = [];
const cleanups: (() => Promise<unknown>)[] = [];
let dir = '';
let replicaA = '';
let replicaB = '';
let alice: Account;
let bob: Account;

const killAll = (): void => {
	for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
};

/** A process of the class, its output kept for when it fails to come up. */
function startProcess(file: string, args: string[]): {child: ChildProcess; output: () => string} {
	const child = spawn(file, args, {stdio: ['ignore', 'pipe', 'pipe']});
	started.push(child);
	let output = '';
	child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
	child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
	return {child, output: () => output};
}

async function answers(host: string, what: string, output: () => string): Promise<void> {
	await eventually(`${what} on ${host}`, async () => ((await portOpen(host)) ? true : undefined), 20_000).catch(error => {
		throw new Error(`${(error as Error).message}\n${output()}`);
	});
}

beforeAll(async () => {
	await requireEngine();
	process.once('exit', killAll);
	await buildCli();
	dir = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-class-replicas-'));
	cleanups.push(() => rm(dir, {recursive: true, force: true}));
	const [portA, portB, listenerPort] = [await freePort(), await freePort(), await freePort()];
	await initLoopbackClass(dir, ['alice', 'bob'], portA, listenerPort);
	// Only this machine: the listener listens on 127.0.0.1.
	const read = await readClassConfig(dir);
	if (!read.ok) throw new Error(read.problem);
	const config = {...read.value, bind: '127.0.0.1'};
	await writeClassConfig(dir, config);
	const accounts = await readAccounts(dir);
	if (!accounts.ok) throw new Error(accounts.problem);
	const account = (name: string): Account => accounts.value.find(entry => entry.username === name)!;
	alice = account('alice');
	bob = account('bob');

	const listener = startProcess(process.execPath, [builtCli, 'class', 'listen', '--dir', dir]);
	await answers(`127.0.0.1:${listenerPort}`, 'the listener', listener.output);

	// Two replicas, their registry.yml from the one classRegistryConfig: only where they listen differs.
	replicaA = `127.0.0.1:${portA}`;
	replicaB = `127.0.0.1:${portB}`;
	for (const [name, listen] of [
		['registry-a.yml', replicaA],
		['registry-b.yml', replicaB],
	] as const) {
		const yml = registryConfigText(dir, config, {listen});
		await writeFile(path.join(dir, name), yml, {mode: 0o600});
		const registry = startProcess(registryBinary, ['serve', path.join(dir, name)]);
		await answers(listen, `the registry ${name}`, registry.output);
	}
});

afterAll(async () => {
	killAll();
	for (const cleanup of cleanups) await cleanup();
});

/** `docker pull REFERENCE` from a login store of the account's own; the local copy is removed after. */
async function pullAs(account: Account, host: string, reference: string): Promise<void> {
	const login = await tempDockerConfig();
	try {
		const logged = await runCommand({
			file: 'docker',
			args: ['login', host, '--username', account.username, '--password-stdin'],
			stdin: account.password,
			env: login.env,
			timeoutMs: 60_000,
		});
		if (logged.exitCode !== 0) throw new Error(`docker login ${host} as ${account.username}: ${logged.stderr}`);
		const pulled = await runCommand({file: 'docker', args: ['pull', reference], env: login.env, timeoutMs: 60_000});
		if (pulled.exitCode !== 0) throw new Error(`docker pull ${reference} as ${account.username}: ${pulled.stderr}`);
	} finally {
		await removeImage(reference);
		await login.cleanup();
	}
}

describe('two registry replicas, one storage, one listener', () => {
	it('shows each push and each pull once, whichever replica it went through, and keeps which replica sent it', async () => {
		// alice pushes through A, bob through B (each from a login store of their own; the local copies are removed).
		const [alicePushed, bobPushed] = await Promise.all([pushAsClassmate(replicaA, alice, 'replica-a'), pushAsClassmate(replicaB, bob, 'replica-b')]);
		const aliceRef = alicePushed.slice(replicaA.length + 1);
		const bobRef = bobPushed.slice(replicaB.length + 1);
		// Each pulls the other's image through the other replica: the manifests are shared through storage.
		await Promise.all([pullAs(alice, replicaA, `${replicaA}/${bobRef}`), pullAs(bob, replicaB, `${replicaB}/${aliceRef}`)]);

		// The digests the registry has, asked through each replica (the same storage answers both).
		const digestOf = async (host: string, account: Account, reference: string): Promise<string> => {
			const [repository, tag] = reference.split(':') as [string, string];
			const head = await createRegistryClient({registry: host, credentials: account}).headManifest(repository, tag);
			if (!head.ok) throw new Error(`${reference} is not in the registry at ${host}: ${head.message}`);
			return head.digest;
		};
		const aliceDigest = await digestOf(replicaB, alice, aliceRef);
		const bobDigest = await digestOf(replicaA, bob, bobRef);

		const manifestEvents = (records: Awaited<ReturnType<typeof classRecords>>) =>
			records.filter((record): record is RegistryRecord => record.type === 'registry' && !record.repository.startsWith('instructor'));
		const isPull = (record: RegistryRecord, actor: string, repository: string) =>
			record.action === 'pull' && record.actor === actor && record.repository === repository;
		// The notifications come after the registry's answers: wait until both pulls are in the log.
		const records = await eventually('both pulls in the event log', async () => {
			const now = manifestEvents(await classRecords(dir));
			const bothPulled =
				now.some(record => isPull(record, 'alice', bobRef.split(':')[0]!)) && now.some(record => isPull(record, 'bob', aliceRef.split(':')[0]!));
			return bothPulled ? now : undefined;
		});

		const status = await classStatus(dir);
		const row = (name: string) => status.students.find(student => student.username === name)!;
		expect(row('alice').pushed).toEqual([{reference: aliceRef, digest: aliceDigest, at: expect.any(String) as string}]);
		expect(row('bob').pushed).toEqual([{reference: bobRef, digest: bobDigest, at: expect.any(String) as string}]);
		expect(row('alice').pulled).toEqual([{reference: bobRef, owner: 'bob', at: expect.any(String) as string}]);
		expect(row('bob').pulled).toEqual([{reference: aliceRef, owner: 'alice', at: expect.any(String) as string}]);
		expect(status.strays).toEqual([]);

		// In the log itself: each tagged push once (one replica saw it, and the listener keeps each event id once),
		// each record once, and the pushes from two different registry processes.
		const taggedPush = (actor: string) => records.filter(record => record.action === 'push' && record.actor === actor && record.tag);
		expect(taggedPush('alice')).toHaveLength(1);
		expect(taggedPush('bob')).toHaveLength(1);
		expect(new Set(records.map(record => record.id)).size).toBe(records.length);
		const [aliceInstance, bobInstance] = [taggedPush('alice')[0]!.instance, taggedPush('bob')[0]!.instance];
		expect(aliceInstance).toEqual(expect.any(String));
		expect(bobInstance).toEqual(expect.any(String));
		expect(aliceInstance).not.toBe(bobInstance);
		// alice's pull went through A, the replica she pushed through; bob's through B.
		expect(records.filter(record => isPull(record, 'alice', bobRef.split(':')[0]!)).every(record => record.instance === aliceInstance)).toBe(true);
		expect(records.filter(record => isPull(record, 'bob', aliceRef.split(':')[0]!)).every(record => record.instance === bobInstance)).toBe(true);
	});
});
