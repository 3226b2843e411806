// class check against a real class: class init and class up from the built CLI (the real distribution registry
// notifying the real listener), real pushes and a real pull by two students through docker, and the codes checked
// with the registry and the event log.
import {existsSync, readFileSync} from 'node:fs';
import {mkdtemp, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {encodeCompletionCode, type ClaimInput} from '../../src/checks/completion-code.js';
import {readAccounts, readClassConfig, type Account} from '../../src/class/class-config-file.js';
import {classFiles, instructorAccount, type RunningClass} from '../../src/class/class-types.js';
import {createRegistryClient} from '../../src/registry/registry-client.js';
import {isAlive} from '../../src/run/process-alive.js';
import {runCommand} from '../../src/run/run-command.js';
import {buildCli, classCli, classRecords, eventually, freePort, initLoopbackClass} from '../helpers/class-cli.js';
import {removeImage, requireEngine, tempDockerConfig} from '../helpers/engine.js';
import {dockerLogin, pushAsClassmate} from '../helpers/registry.js';

let dir = '';
let registry = '';
let alice: Account;
let bob: Account;
/** alice's and bob's pushes, and the digests the registry gives them. */
let alicePushed = '';
let bobPushed = '';
let aliceDigest = '';
let bobDigest = '';
let pulledAt = '';

beforeAll(async () => {
	await requireEngine();
	await buildCli();
	dir = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-class-check-'));
	const [port, listenerPort] = [await freePort(), await freePort()];
	await initLoopbackClass(dir, ['alice', 'bob', 'carol'], port, listenerPort);
	const up = await classCli(['up', '--dir', dir, '--bind', '127.0.0.1']);
	if (up.exitCode !== 0) throw new Error(`class up failed: ${up.stderr}`);
	registry = `127.0.0.1:${port}`;
	const accounts = await readAccounts(dir);
	if (!accounts.ok) throw new Error(accounts.problem);
	alice = accounts.value.find(account => account.username === 'alice')!;
	bob = accounts.value.find(account => account.username === 'bob')!;

	alicePushed = await pushAsClassmate(registry, alice, 'check-alice');
	bobPushed = await pushAsClassmate(registry, bob, 'check-bob');
	// alice pulls bob's image, with her own login.
	const config = await tempDockerConfig();
	try {
		await dockerLogin(config.env, registry, alice.username, alice.password);
		const pulled = await runCommand({file: 'docker', args: ['pull', bobPushed], env: config.env, timeoutMs: 120_000});
		if (pulled.exitCode !== 0) throw new Error(`docker pull failed: ${pulled.stderr}`);
		pulledAt = new Date().toISOString();
	} finally {
		await config.cleanup();
		await removeImage(bobPushed);
	}
	const read = await readClassConfig(dir);
	if (!read.ok) throw new Error(read.problem);
	const client = createRegistryClient({registry, credentials: {username: instructorAccount, password: read.value.instructorPassword}});
	const digestOf = async (reference: string): Promise<string> => {
		const [repository, tag] = reference.slice(registry.length + 1).split(':') as [string, string];
		const head = await client.headManifest(repository, tag);
		if (!head.ok) throw new Error(head.message);
		return head.digest;
	};
	aliceDigest = await digestOf(alicePushed);
	bobDigest = await digestOf(bobPushed);
	const bobRepository = bobPushed.slice(registry.length + 1).split(':')[0];
	await eventually('the pushes and the pull in the event log', async () => {
		const records = await classRecords(dir);
		const seen = (action: string, actor: string, repository?: string) =>
			records.some(
				record => record.type === 'registry' && record.action === action && record.actor === actor && (!repository || record.repository === repository),
			);
		return seen('push', 'alice') && seen('push', 'bob') && seen('pull', 'alice', bobRepository) ? true : undefined;
	});
}, 300_000);

afterAll(async () => {
	if (!dir) return;
	const running = existsSync(path.join(dir, classFiles.running))
		? (JSON.parse(readFileSync(path.join(dir, classFiles.running), 'utf8')) as RunningClass)
		: undefined;
	await classCli(['down', '--dir', dir]);
	for (const pid of [running?.listener.pid, running?.registry?.pid]) if (pid !== undefined && isAlive(pid)) process.kill(pid, 'SIGKILL');
	await rm(dir, {recursive: true, force: true});
});

const aliceClaim = (): ClaimInput => ({lesson: 'registries', registry, pushed: alicePushed, digest: aliceDigest, pulled: bobPushed, pulledAt});
const check = (...args: string[]) => classCli(['check', '--dir', dir, ...args]);

describe('class check', () => {
	it("accepts alice's real code: her push is in the registry and the log, and so is her pull of bob's image", async () => {
		const code = encodeCompletionCode(aliceClaim());
		const result = await check(code);
		expect(result.exitCode, result.stdout + result.stderr).toBe(0);
		const lines = result.stdout.split('\n');
		expect(lines[0]).toBe(`${code} — alice, registries`);
		expect(result.stdout).toContain('✔ alice is a student of');
		expect(result.stdout).toContain(
			`✔ The registry has ${alicePushed.slice(registry.length + 1)} at ${aliceDigest.slice(0, 19)}…, the digest in the code.`,
		);
		expect(result.stdout).toMatch(/✔ The event log has alice's push of .* with that digest/);
		expect(result.stdout).toMatch(/✔ The event log has alice's pull of .* at .* UTC \(the code says .* UTC\)\./);
		expect(result.stdout).not.toContain('✘');
		expect(lines.at(-1)).toBe('Every claim of the code holds.');
		// Pasted with spaces for dashes, in lowercase: the same code.
		const pasted = await check(...code.toLowerCase().split('-'));
		expect(pasted.exitCode, pasted.stdout).toBe(0);
	});

	it('refuses a code whose digest was never pushed', async () => {
		const result = await check(encodeCompletionCode({...aliceClaim(), digest: `sha256:${'0'.repeat(64)}`}));
		expect(result.exitCode).toBe(1);
		expect(result.stdout).toMatch(
			/✘ The registry has no manifest sha256:000000000000… under alice\/\S+: that digest was never pushed there; \S+ is now sha256:/,
		);
		expect(result.stdout).toMatch(/✘ The event log has no push of sha256:000000000000… to alice\/\S+ by alice/);
		expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('1 of 1 code does not hold.');
	});

	it('refuses a code claiming a pull that never happened: bob never pulled alice’s image', async () => {
		const code = encodeCompletionCode({lesson: 'registries', registry, pushed: bobPushed, digest: bobDigest, pulled: alicePushed, pulledAt});
		const result = await check(code);
		expect(result.exitCode).toBe(1);
		expect(result.stdout).toMatch(/✔ The registry has bob\/\S+ at sha256:/);
		expect(result.stdout).toMatch(/✔ The event log has bob's push/);
		expect(result.stdout).toMatch(/✘ The event log has no pull of alice\/\S+ by bob: that pull never reached this class's registry\./);
	});

	it('refuses a pull far from the time in the code', async () => {
		const result = await check(encodeCompletionCode({...aliceClaim(), pulledAt: new Date(Date.parse(pulledAt) + 3 * 3_600_000).toISOString()}));
		expect(result.exitCode).toBe(1);
		expect(result.stdout).toMatch(/✘ alice pulled bob\/\S+ at .* UTC, not around the time in the code/);
	});

	it('refuses a code from another class, an edited code, and a username not in the roster, each in a sentence; --json gives each code', async () => {
		const other = encodeCompletionCode({
			...aliceClaim(),
			registry: '10.9.8.7:5000',
			pushed: `10.9.8.7:5000/alice/x:1.0`,
			pulled: '10.9.8.7:5000/bob/x:1.0',
		});
		const good = encodeCompletionCode(aliceClaim());
		const index = good.length - 3;
		const edited = good.slice(0, index) + (good[index] === 'A' ? 'B' : 'A') + good.slice(index + 1);
		const stranger = encodeCompletionCode({...aliceClaim(), pushed: `${registry}/mallory/x:1.0`});
		const result = await check('--json', other, edited, stranger, good);
		expect(result.exitCode).toBe(1);
		const json = JSON.parse(result.stdout) as {ok: boolean; codes: {code: string; ok: boolean; lines: {ok: boolean; text: string}[]}[]};
		expect(json.ok).toBe(false);
		expect(json.codes.map(code => code.ok)).toEqual([false, false, false, true]);
		expect(json.codes[0]!.lines).toEqual([
			{ok: false, text: `This code is from another class: it was made on 10.9.8.7:5000, and this class's registry is ${registry}.`},
		]);
		expect(json.codes[1]!.lines).toEqual([{ok: false, text: 'This code is refused: a character was changed or mistyped (the checksum does not match).'}]);
		expect(json.codes[2]!.lines).toHaveLength(1);
		expect(json.codes[2]!.lines[0]).toMatchObject({ok: false, text: expect.stringMatching(/^mallory is not a student of \S+ \(not in accounts\.csv\)/)});
		const plain = await check(other);
		expect(plain.stdout).toContain('✘ This code is from another class');
	});

	it('needs a code, and says so', async () => {
		const result = await check();
		expect(result.exitCode).toBe(2);
		expect(result.stderr).toContain('give the completion codes to check');
	});
});
