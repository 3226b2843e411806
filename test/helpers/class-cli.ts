import {existsSync} from 'node:fs';
import {mkdtemp, readFile, writeFile} from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {accountsCsv, writeClassConfig} from '../../src/class/class-config-file.js';
import type {ClassConfig, ClassRecord} from '../../src/class/class-types.js';
import {classFiles, instructorAccount} from '../../src/class/class-types.js';
import {generatedPasswordCost, htpasswdLine} from '../../src/registry/htpasswd.js';
import {runCommand, type CommandResult} from '../../src/run/run-command.js';

/** The built CLI: `class up` starts the listener as `node process.argv[1] class listen`, so the class runs as the package does. */
export const builtCli = path.resolve('dist', 'cli.js');

/** `npm run build`, once per test file: the class commands run from dist/, as an instructor runs them. */
export async function buildCli(): Promise<void> {
	const built = await runCommand({file: 'npm', args: ['run', 'build'], timeoutMs: 120_000});
	if (built.exitCode !== 0 || !existsSync(builtCli)) throw new Error(`npm run build failed: ${built.spawnError ?? built.stderr}`);
}

/** `registry-lab class ARGS` from dist/cli.js, as the instructor runs it. */
export function classCli(args: readonly string[]): Promise<CommandResult> {
	return runCommand({file: process.execPath, args: [builtCli, 'class', ...args], env: {NO_COLOR: '1'}, timeoutMs: 60_000});
}

/** A port nothing listens on now. */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen({host: '127.0.0.1', port: 0}, () => {
			const {port} = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

/** The class folder's event log, one record a line. */
export async function classRecords(dir: string): Promise<ClassRecord[]> {
	const text = await readFile(path.join(dir, classFiles.events), 'utf8').catch(() => '');
	return text
		.split('\n')
		.filter(Boolean)
		.map(line => JSON.parse(line) as ClassRecord);
}

/** What `class status --json` says of one student. */
export type StatusRow = {
	username: string;
	step: {number: number; of: number; id: string; title: string} | null;
	state: string;
	cause: string | null;
	loggedIn: boolean;
	pushed: {reference: string; digest: string; at: string | null}[];
	pulled: {reference: string; owner: string; at: string}[];
	lastActivity: string | null;
	stuck: boolean;
};

/** `class status --dir DIR --json`, parsed; throws with its stderr when it fails. */
export async function classStatus(dir: string): Promise<{students: StatusRow[]; strays: unknown[]; stdout: string; stderr: string}> {
	const result = await classCli(['status', '--dir', dir, '--json']);
	if (result.exitCode !== 0) throw new Error(`class status failed (${result.exitCode}): ${result.stderr}`);
	return {...(JSON.parse(result.stdout) as {students: StatusRow[]; strays: unknown[]}), stdout: result.stdout, stderr: result.stderr};
}

/** Poll until `ready` gives a value, for at most `timeoutMs`: the registry notifies after it answers. */
export async function eventually<T>(what: string, ready: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await ready();
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error(`Waited ${timeoutMs / 1000} s for ${what}.`);
		await new Promise(resolve => setTimeout(resolve, 200));
	}
}

/** `registry-lab class ARGS` from source (tsx), as the instructor runs it. */
export function classCliFromSource(args: readonly string[]): Promise<CommandResult> {
	return runCommand({file: process.execPath, args: ['--import', 'tsx', 'src/main.ts', 'class', ...args], env: {NO_COLOR: '1'}, timeoutMs: 90_000});
}

/**
 * A class folder as class init makes it, written by the test: class.json on free ports on 127.0.0.1, htpasswd with
 * the students (and the instructor's account, with `instructorInHtpasswd`), accounts.csv. The caller removes `dir`.
 */
export async function writeClassFolder(options: {
	readonly prefix: string;
	readonly students: readonly {readonly username: string; readonly password: string}[];
	readonly config?: Partial<ClassConfig>;
	readonly instructorInHtpasswd?: boolean;
}): Promise<{dir: string; config: ClassConfig}> {
	const dir = await mkdtemp(path.join(os.tmpdir(), options.prefix));
	const config: ClassConfig = {
		version: 1,
		kind: 'registry',
		name: 'period-3',
		lesson: 'registries',
		address: '127.0.0.1',
		bind: '127.0.0.1',
		port: await freePort(),
		listenerPort: await freePort(),
		tls: false,
		notifySecret: 'notify-secret-0123456789',
		httpSecret: 'http-secret-0123456789',
		instructorPassword: 'instructor-pass-0123',
		...options.config,
	};
	await writeClassConfig(dir, config);
	const accounts = [...options.students, ...(options.instructorInHtpasswd ? [{username: instructorAccount, password: config.instructorPassword}] : [])];
	const lines = accounts.map(account => htpasswdLine(account.username, account.password, generatedPasswordCost));
	await writeFile(path.join(dir, classFiles.htpasswd), `${lines.join('\n')}\n`, {mode: 0o600});
	await writeFile(path.join(dir, classFiles.accounts), accountsCsv(options.students, config.kind), {mode: 0o600});
	return {dir, config};
}

/**
 * `class init` from the built CLI for a class on this machine only: a roster of these students in the folder,
 * the registry on 127.0.0.1:port, the listener on listenerPort. Throws when init fails.
 */
export async function initLoopbackClass(dir: string, students: readonly string[], port: number, listenerPort: number): Promise<CommandResult> {
	const roster = path.join(dir, 'roster.txt');
	await writeFile(roster, `${students.join('\n')}\n`);
	const init = await classCli([
		'init',
		'--roster',
		roster,
		'--dir',
		dir,
		'--address',
		'127.0.0.1',
		'--port',
		String(port),
		'--listener-port',
		String(listenerPort),
	]);
	if (init.exitCode !== 0) throw new Error(`class init failed: ${init.stderr}`);
	return init;
}
