import {execFileSync, spawn} from 'node:child_process';
import {chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {requireEngine} from '../helpers/engine.js';
import {portOpen} from '../helpers/registry.js';
import {isAlive} from '../../src/run/process-alive.js';

/**
 * SIGTERM, SIGHUP and SIGINT end the lab, in plain mode and in the interactive app (in tmux, a real
 * terminal): with a practice registry running, and in some cases a docker push under way. Each
 * case checks the exit code (128 + n), that no process the lab started is left, that the practice
 * registry's port is closed and its files are gone, and for the app that the terminal is back.
 */

const codes = {TERM: 143, HUP: 129, INT: 130} as const;
type Signal = keyof typeof codes;

let root: string;
let fakeBin: string;
const tmuxSessions: string[] = [];
/** Every process a case saw the lab start: whatever a failed case left running is killed at the end. */
const seen: number[] = [];

beforeAll(async () => {
	await requireEngine();
	root = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-signals-'));
	// A docker whose push for the pretend classmate (its own DOCKER_CONFIG) hangs: the start-up of a
	// practice lesson then has a long-running engine command, with a child of its own (the sleep is not
	// exec'd): stopping it must stop its whole process group. Everything else is the real docker.
	const realDocker = execFileSync('sh', ['-c', 'command -v docker'], {encoding: 'utf8'}).trim();
	fakeBin = path.join(root, 'bin');
	await mkdir(fakeBin);
	await writeFile(
		path.join(fakeBin, 'docker'),
		[
			'#!/bin/sh',
			'case "$DOCKER_CONFIG" in *registry-lab-classmate-*)',
			'  if [ "$1" = push ] && [ -n "$SIGNALS_PUSH_PID" ]; then echo $$ > "$SIGNALS_PUSH_PID"; echo "pushing slowly"; sleep 300; fi;;',
			'esac',
			`exec '${realDocker}' "$@"`,
			'',
		].join('\n'),
	);
	await chmod(path.join(fakeBin, 'docker'), 0o755);
});

afterAll(async () => {
	for (const name of tmuxSessions) spawnQuiet('tmux', ['kill-session', '-t', name]);
	for (const pid of seen) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
	if (root) await rm(root, {recursive: true, force: true});
});

function spawnQuiet(file: string, args: string[]): void {
	try {
		execFileSync(file, args, {stdio: 'ignore'});
	} catch {
		// Already gone.
	}
}

/** A case's own folders: temp (where the practice registry keeps its files), home, docker config. */
async function caseEnv(name: string, pushing: boolean): Promise<{dir: string; tmp: string; pushPid: string; env: Record<string, string>}> {
	const dir = path.join(root, name);
	const tmp = path.join(dir, 'tmp');
	await mkdir(tmp, {recursive: true});
	await mkdir(path.join(dir, 'docker'));
	await writeFile(path.join(dir, 'docker', 'config.json'), '{"auths": {}}\n');
	const pushPid = path.join(dir, 'push.pid');
	return {
		dir,
		tmp,
		pushPid,
		env: {
			PATH: `${fakeBin}:${process.env.PATH ?? ''}`,
			TMPDIR: tmp,
			DOCKER_CONFIG: path.join(dir, 'docker'),
			REGISTRY_AUTH_FILE: path.join(dir, 'docker', 'auth.json'),
			REGISTRY_LAB_HOME: path.join(dir, 'home'),
			XDG_CONFIG_HOME: path.join(dir, 'home'),
			SIGNALS_PUSH_PID: pushing ? pushPid : '',
		},
	};
}

/** Every process below pid, from the process table. */
function descendants(pid: number): number[] {
	const table = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], {encoding: 'utf8'})
		.trim()
		.split('\n')
		.map(line => line.trim().split(/\s+/).map(Number) as [number, number]);
	const found: number[] = [];
	const walk = (parent: number): void => {
		for (const [child, ppid] of table) {
			if (ppid !== parent) continue;
			found.push(child);
			walk(child);
		}
	};
	walk(pid);
	seen.push(pid, ...found);
	return found;
}

const commandOf = (pid: number): string => {
	try {
		return execFileSync('ps', ['-o', 'args=', '-p', String(pid)], {encoding: 'utf8'}).trim();
	} catch {
		return '';
	}
};

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs: number, seen: () => string): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value !== undefined && value !== false) return value;
		if (Date.now() > deadline) throw new Error(`Waited for ${what}; saw:\n${seen()}`);
		await new Promise(resolve => setTimeout(resolve, 100));
	}
}

/** The pid the hanging push wrote, once it did. */
const pushStarted = async (file: string): Promise<number | undefined> => Number((await readFile(file, 'utf8').catch(() => '')).trim()) || undefined;

const practiceFiles = async (tmp: string): Promise<string[]> =>
	(await readdir(tmp)).filter(name => name.startsWith('registry-lab-practice-') || name.startsWith('registry-lab-classmate-'));

/** What every case checks once the lab is gone: nothing it started is left, and the practice registry is gone with its files. */
async function expectCleanedUp(before: {children: number[]; host: string; tmp: string; pushPid?: number}): Promise<void> {
	// The processes it started (the registry, the hanging push) end with it.
	await until(
		'the lab’s children to end',
		() => before.children.every(pid => !isAlive(pid)) || undefined,
		5000,
		() =>
			before.children
				.filter(isAlive)
				.map(pid => `${pid} ${commandOf(pid)}`)
				.join('\n'),
	);
	if (before.pushPid !== undefined) expect(isAlive(before.pushPid)).toBe(false);
	expect(await portOpen(before.host)).toBe(false);
	expect(await practiceFiles(before.tmp)).toEqual([]);
}

describe('plain mode ends on a signal, cleaned up, with 128 + n', () => {
	const cases: {signal: Signal; pushing: boolean}[] = [
		{signal: 'TERM', pushing: true},
		{signal: 'HUP', pushing: false},
		{signal: 'INT', pushing: true},
	];
	for (const {signal, pushing} of cases) {
		it(`SIG${signal}${pushing ? ' while the classmate’s docker push runs' : ' at the first step'}`, async () => {
			const {tmp, pushPid, env} = await caseEnv(`plain-${signal}`, pushing);
			const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', '--plain', '--practice'], {
				env: {...process.env, ...env},
				stdio: ['pipe', 'pipe', 'pipe'],
			});
			let out = '';
			child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
			child.stderr.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
			const exited = new Promise<{code: number | null; signal: NodeJS.Signals | null}>(resolve =>
				child.on('exit', (code, by) => resolve({code, signal: by})),
			);
			try {
				const host = await until(
					'the practice registry',
					() => /running at (\S+)\.$/m.exec(out)?.[1],
					60_000,
					() => out,
				);
				const pid = pushing
					? await until(
							'the hanging push',
							() => pushStarted(pushPid),
							30_000,
							() => out,
						)
					: undefined;
				if (!pushing)
					await until(
						'the first step',
						() => out.includes('Step 1 of 9') || undefined,
						30_000,
						() => out,
					);
				const children = descendants(child.pid!);
				expect(children.map(commandOf).join('\n')).toContain('docker-registry');
				expect(await practiceFiles(tmp)).not.toEqual([]);
				child.kill(`SIG${signal}`);
				const timeout = new Promise(resolve => setTimeout(() => resolve('still running 15 s after the signal'), 15_000).unref());
				expect(await Promise.race([exited, timeout])).toEqual({code: codes[signal], signal: null});
				await expectCleanedUp({children, host, tmp, ...(pid === undefined ? {} : {pushPid: pid})});
			} finally {
				if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
			}
		});
	}
});

describe('the interactive app ends on a signal, cleaned up, with the terminal given back', () => {
	const tmux = (...args: string[]): string => execFileSync('tmux', args, {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']});
	const cases: {signal: Signal; pushing: boolean}[] = [
		{signal: 'INT', pushing: true},
		{signal: 'TERM', pushing: false},
		{signal: 'HUP', pushing: true},
	];
	for (const {signal, pushing} of cases) {
		it(`SIG${signal} from outside${pushing ? ' while the classmate’s docker push runs' : ' at the first step'}`, async () => {
			const {dir, tmp, pushPid, env} = await caseEnv(`app-${signal}`, pushing);
			const name = `rl-signals-${process.pid}-${signal}`;
			const codeFile = path.join(dir, 'code');
			const sttyFile = path.join(dir, 'stty');
			// The shell stays after the app, to report its exit code and the terminal's modes as the app left them.
			// tmux gives a new session its own PATH: the fake docker's folder is put first here.
			const script = [
				`export PATH='${env.PATH}'`,
				`'${process.execPath}' --import tsx src/main.ts --lesson registries --practice`,
				`echo $? > '${codeFile}'`,
				`stty -a > '${sttyFile}'`,
				'exec sleep 60',
			].join('; ');
			const envArgs = Object.entries(env).flatMap(([key, value]) => ['-e', `${key}=${value}`]);
			tmux('new-session', '-d', '-s', name, '-x', '100', '-y', '30', '-c', process.cwd(), ...envArgs, script);
			tmuxSessions.push(name);
			const screen = (): string => tmux('capture-pane', '-p', '-J', '-t', name);
			const shell = Number(tmux('display-message', '-p', '-t', name, '#{pane_pid}').trim());
			const lab = await until('the lab’s process', () => descendants(shell).find(pid => commandOf(pid).includes('src/main.ts')), 10_000, screen);
			const host = await until('the practice registry', () => /\(?(127\.0\.0\.1:\d+)/.exec(screen())?.[1], 60_000, screen);
			const pid = pushing ? await until('the hanging push', () => pushStarted(pushPid), 30_000, screen) : undefined;
			if (!pushing) await until('the first step', () => screen().includes('What a registry is') || undefined, 30_000, screen);
			const children = descendants(lab);
			expect(children.map(commandOf).join('\n')).toContain('docker-registry');
			expect(await practiceFiles(tmp)).not.toEqual([]);
			// The app hides the cursor and reads keys raw while it runs.
			expect(tmux('display-message', '-p', '-t', name, '#{cursor_flag}').trim()).toBe('0');
			process.kill(lab, `SIG${signal}`);
			const code = await until('the app’s exit code', async () => (await readFile(codeFile, 'utf8').catch(() => '')).trim() || undefined, 15_000, screen);
			expect(Number(code)).toBe(codes[signal]);
			await expectCleanedUp({children: [lab, ...children], host, tmp, ...(pid === undefined ? {} : {pushPid: pid})});
			// The terminal is back: lines and echo as a shell wants them, and the cursor shown.
			const modes = await until('stty -a', async () => (await readFile(sttyFile, 'utf8').catch(() => '')) || undefined, 5000, screen);
			expect(modes).toMatch(/(^|\s)icanon(\s|$)/m);
			expect(modes).toMatch(/(^|\s)echo(\s|$)/m);
			expect(tmux('display-message', '-p', '-t', name, '#{cursor_flag}').trim()).toBe('1');
			spawnQuiet('tmux', ['kill-session', '-t', name]);
		});
	}
});

describe('a short command ends on a signal with 128 + n', () => {
	it('SIGTERM, SIGHUP and SIGINT while diagnose waits for its input', async () => {
		const signals = Object.keys(codes) as Signal[];
		const start = () => spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'diagnose'], {stdio: ['pipe', 'pipe', 'pipe']});
		const children = signals.map(start);
		try {
			type Ended = {code: number | null; signal: NodeJS.Signals | null};
			const ended = children.map(child => new Promise<Ended>(resolve => child.on('exit', (code, by) => resolve({code, signal: by}))));
			// A line without its end: diagnose waits for the rest.
			for (const child of children) child.stdin.write('Error response from daemon: unauthorized');
			// Signalled once the lab listens: the kernel's mask of caught signals has SIGHUP and SIGINT (bits 0 and 1).
			const listening = async (pid: number): Promise<boolean> =>
				(parseInt(/SigCgt:\s*([\da-f]+)/.exec(await readFile(`/proc/${pid}/status`, 'utf8'))?.[1] ?? '0', 16) & 3) === 3;
			for (const child of children)
				await until(
					'the handlers',
					async () => (await listening(child.pid!)) || undefined,
					20_000,
					() => '',
				);
			signals.forEach((signal, index) => {
				expect(children[index]!.exitCode).toBe(null);
				children[index]!.kill(`SIG${signal}`);
			});
			expect(await Promise.all(ended)).toEqual(signals.map(signal => ({code: codes[signal], signal: null})));
		} finally {
			for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
		}
	});
});
