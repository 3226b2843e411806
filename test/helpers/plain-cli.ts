import {spawn, type ChildProcessWithoutNullStreams} from 'node:child_process';
import {mkdtemp, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {tempDockerConfig} from './engine.js';

/** The real CLI from source over pipes (so no terminal), read as a student reads plain mode. */
export type PlainCli = {
	/** Wait until `text` appears in stdout after what was already waited for; returns the stdout in between. */
	waitFor(text: string | RegExp, timeoutMs?: number): Promise<string>;
	/** Type one line now. */
	type(line: string): void;
	/** Wait for the prompt, then type one answer line. */
	answer(prompt: string | RegExp, line: string, timeoutMs?: number): Promise<string>;
	stdout(): string;
	stderr(): string;
	exited: Promise<number | null>;
	/** The run's progress folder (REGISTRY_LAB_HOME). */
	home: string;
	/** The run's docker login store (config.json in its own DOCKER_CONFIG). */
	config: string;
};

const running: ChildProcessWithoutNullStreams[] = [];
const leftovers: (() => Promise<unknown>)[] = [];

/**
 * Start `registry-lab ARGS` from source with its own login store and progress folder (or `home`,
 * to come back to a saved run). Stop what is left with killPlainClis, remove the folders with
 * cleanUpPlainClis.
 */
export async function startPlainCli(
	args: readonly string[],
	extraEnv: Record<string, string> = {},
	options: {home?: string; nodeArgs?: string[]} = {},
): Promise<PlainCli> {
	const docker = await tempDockerConfig();
	leftovers.push(docker.cleanup);
	const home = options.home ?? (await mkdtemp(path.join(os.tmpdir(), 'registry-lab-plain-')));
	if (!options.home) leftovers.push(() => rm(home, {recursive: true, force: true}));
	const env: Record<string, string | undefined> = {...process.env, ...docker.env, REGISTRY_LAB_HOME: home, ...extraEnv};
	if (!('NO_COLOR' in extraEnv)) delete env.NO_COLOR;
	const child = spawn(process.execPath, ['--import', 'tsx', ...(options.nodeArgs ?? []), 'src/main.ts', ...args], {env, stdio: ['pipe', 'pipe', 'pipe']});
	running.push(child);
	let out = '';
	let err = '';
	let cursor = 0;
	let wake: (() => void) | undefined;
	child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
		out += chunk;
		wake?.();
	});
	child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
		err += chunk;
	});
	const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)));
	void exited.then(() => wake?.());

	async function waitFor(text: string | RegExp, timeoutMs = 60_000): Promise<string> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const rest = out.slice(cursor);
			const found = typeof text === 'string' ? {index: rest.indexOf(text), length: text.length} : matchOf(text.exec(rest));
			if (found.index >= 0) {
				const end = found.index + found.length;
				cursor += end;
				return rest.slice(0, end);
			}
			if (child.exitCode !== null || Date.now() > deadline) {
				throw new Error(
					`Waited for ${String(text)}, but ${child.exitCode === null ? 'it did not come' : `the lab exited (${child.exitCode})`}.\n` +
						`--- stdout since the last wait:\n${rest}\n--- stderr:\n${err}`,
				);
			}
			await new Promise<void>(resolve => {
				const timer = setTimeout(resolve, Math.min(1000, Math.max(1, deadline - Date.now())));
				wake = () => {
					clearTimeout(timer);
					resolve();
				};
			});
		}
	}

	return {
		waitFor,
		type: line => void child.stdin.write(`${line}\n`),
		async answer(prompt, line, timeoutMs) {
			const seen = await waitFor(prompt, timeoutMs);
			child.stdin.write(`${line}\n`);
			return seen;
		},
		stdout: () => out,
		stderr: () => err,
		exited,
		home,
		config: path.join(docker.dir, 'config.json'),
	};
}

const matchOf = (match: RegExpExecArray | null): {index: number; length: number} =>
	match ? {index: match.index, length: match[0].length} : {index: -1, length: 0};

/** Kill every lab still running (after each test). */
export function killPlainClis(): void {
	for (const child of running.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** Remove the login stores and progress folders of every lab started (after all tests). */
export async function cleanUpPlainClis(): Promise<void> {
	for (const cleanup of leftovers.splice(0)) await cleanup();
}
