/**
 * What a practice registry left behind when its lab was killed (SIGKILL, a crash, a closed laptop):
 * each start writes a small record (the lab's pid, the registry's pid or container, its data folder)
 * in a folder private to the user; a clean stop removes it. The next start finds the records of labs
 * that are gone, stops what they started (only when it is still that registry) and removes their files.
 */
import {spawnSync} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import * as fs from 'node:fs';
import {rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {engineCommand} from '../../container/commands.js';
import type {Engine} from '../../container/engine.js';
import {runCommand} from '../../run/run-command.js';
import {isAlive} from '../../run/process-alive.js';

export type RunRecord = {
	readonly labPid: number;
	readonly startedAt: string;
	readonly host?: string;
	readonly pid?: number;
	/** For the binary: its config file, which only this registry's command line names. */
	readonly config?: string;
	readonly containerId?: string;
	readonly engine?: {readonly name: Engine['name']; readonly bin: string; readonly globalArgs?: readonly string[]; readonly env: Record<string, string>};
	/** What to remove: the data folder, or only the files written in a folder that was given. */
	readonly remove: readonly string[];
};

export type RunRecorder = {
	readonly started: (what: Pick<RunRecord, 'host' | 'pid' | 'config' | 'containerId'> & {engine?: Engine}) => void;
	readonly forget: () => void;
};

/** The engine settings that say which daemon and which login file: enough to reach the same container later, no secrets. */
const engineVars = [
	'DOCKER_HOST',
	'DOCKER_CONTEXT',
	'DOCKER_CONFIG',
	'DOCKER_CERT_PATH',
	'DOCKER_TLS_VERIFY',
	'CONTAINER_HOST',
	'XDG_RUNTIME_DIR',
	'REGISTRY_AUTH_FILE',
	'HOME',
];

export function defaultRunsDir(): string {
	const uid = typeof process.getuid === 'function' ? process.getuid() : os.userInfo().username;
	return path.join(os.tmpdir(), `registry-lab-${uid}`, 'practice-runs');
}

/**
 * The folder exists, is a real folder (not a link), is ours and is private; else undefined: a folder
 * another user made in the shared temp folder is never trusted, and without one nothing is recorded.
 */
function runsFolder(dir: string): string | undefined {
	try {
		fs.mkdirSync(dir, {recursive: true, mode: 0o700});
		for (const folder of [path.dirname(dir), dir]) {
			const stat = fs.lstatSync(folder);
			if (!stat.isDirectory()) return undefined;
			if (typeof process.getuid === 'function' && stat.uid !== process.getuid()) return undefined;
			if ((stat.mode & 0o077) !== 0) fs.chmodSync(folder, 0o700);
		}
		return dir;
	} catch {
		return undefined;
	}
}

/** Records are best effort: a lab whose temp folder cannot be written still runs, it only cannot clean up after a kill. */
export function recordRun(runsDir: string, remove: readonly string[]): RunRecorder {
	const dir = runsFolder(runsDir);
	const file = dir === undefined ? undefined : path.join(dir, `${process.pid}-${randomBytes(4).toString('hex')}.json`);
	let record: RunRecord = {labPid: process.pid, startedAt: new Date().toISOString(), remove};
	const write = () => {
		if (file === undefined) return;
		const temp = `${file}.tmp`;
		try {
			fs.writeFileSync(temp, JSON.stringify(record), {mode: 0o600, flag: 'w'});
			fs.renameSync(temp, file);
		} catch {
			// Only the clean-up after a kill is lost.
		}
	};
	write();
	return {
		started: ({engine, ...what}) => {
			record = {labPid: record.labPid, startedAt: record.startedAt, remove, ...what, ...(engine ? {engine: recordedEngine(engine)} : {})};
			write();
		},
		forget: () => {
			if (file === undefined) return;
			try {
				fs.rmSync(file, {force: true});
			} catch {
				// Left for the next start, which finds this lab alive or gone and acts on that.
			}
		},
	};
}

/**
 * Stop and remove what labs that are gone left behind. Returns a sentence when there was something,
 * for the student to read. Never throws.
 */
export async function cleanUpOrphans(runsDir: string, logoutHost: (engine: Engine, host: string) => Promise<void>): Promise<string | undefined> {
	const dir = runsFolder(runsDir);
	if (dir === undefined) return undefined;
	let names: string[];
	try {
		names = fs.readdirSync(dir).filter(name => name.endsWith('.json'));
	} catch {
		return undefined;
	}
	const records = names.flatMap(name => {
		const record = readRecord(path.join(dir, name));
		return record ? [{name, record}] : [];
	});
	const liveHosts = new Set(records.filter(({record}) => isAlive(record.labPid)).flatMap(({record}) => (record.host ? [record.host] : [])));
	const cleaned: string[] = [];
	for (const {name, record} of records) {
		if (isAlive(record.labPid)) continue;
		// Claim the record first: two labs starting at once clean up each orphan once.
		const claimed = path.join(dir, `${name}.claimed-${process.pid}`);
		try {
			fs.renameSync(path.join(dir, name), claimed);
		} catch {
			continue;
		}
		const engine = record.engine ? engineOf(record.engine) : undefined;
		if (record.pid !== undefined && record.config !== undefined) killIfOurs(record.pid, record.config);
		if (record.containerId !== undefined && engine) await removeContainerIfOurs(engine, record.containerId);
		// Another lab alive on that address has logged in there itself: its login stays.
		if (record.host !== undefined && engine && !liveHosts.has(record.host)) await logoutHost(engine, record.host);
		for (const entry of record.remove) {
			if (path.isAbsolute(entry)) await rm(entry, {recursive: true, force: true, maxRetries: 3}).catch(() => undefined);
		}
		fs.rmSync(claimed, {force: true});
		cleaned.push(record.host ?? record.remove[0] ?? 'a practice registry');
	}
	if (cleaned.length === 0) return undefined;
	const what = cleaned.length === 1 ? `the practice registry ${cleaned[0]}` : `${cleaned.length} practice registries (${cleaned.join(', ')})`;
	return `An earlier lab ended without stopping ${what}: it was stopped now, and its files and login removed.`;
}

/** The records of labs that are gone, without acting on them (what `registry-lab cleanup` lists). Never throws. */
export function orphanRecords(runsDir: string): RunRecord[] {
	const dir = runsFolder(runsDir);
	if (dir === undefined) return [];
	try {
		return fs
			.readdirSync(dir)
			.filter(name => name.endsWith('.json'))
			.flatMap(name => {
				const record = readRecord(path.join(dir, name));
				return record && !isAlive(record.labPid) ? [record] : [];
			});
	} catch {
		return [];
	}
}

function recordedEngine(engine: Engine): NonNullable<RunRecord['engine']> {
	const env: Record<string, string> = {};
	for (const name of engineVars) {
		const value = engine.env[name];
		if (value) env[name] = value;
	}
	return {name: engine.name, bin: engine.bin, ...(engine.globalArgs ? {globalArgs: engine.globalArgs} : {}), env};
}

function readRecord(file: string): RunRecord | undefined {
	try {
		const data = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<RunRecord>;
		if (typeof data.labPid !== 'number' || !Array.isArray(data.remove)) return undefined;
		return data as RunRecord;
	} catch {
		return undefined;
	}
}

function engineOf(recorded: NonNullable<RunRecord['engine']>): Engine {
	return {name: recorded.name, bin: recorded.bin, env: {...process.env, ...recorded.env}, ...(recorded.globalArgs ? {globalArgs: recorded.globalArgs} : {})};
}

/** A pid may have been given to another program since: only a process whose command line names our config file is killed. */
function killIfOurs(pid: number, config: string): void {
	if (!isAlive(pid) || !commandLine(pid).includes(config)) return;
	try {
		process.kill(pid, 'SIGKILL');
	} catch {
		// Gone meanwhile.
	}
}

function commandLine(pid: number): string {
	try {
		return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
	} catch {
		const ps = spawnSync('ps', ['-p', String(pid), '-o', 'args='], {encoding: 'utf8', timeout: 5000});
		return ps.status === 0 ? ps.stdout : '';
	}
}

/** Only a container with our label is removed: an id is never reused, but the label makes sure. */
async function removeContainerIfOurs(engine: Engine, id: string): Promise<void> {
	const label = await runCommand(engineCommand(engine, ['inspect', '--format', '{{index .Config.Labels "registry-lab.practice"}}', id], {timeoutMs: 15_000}));
	if (label.exitCode !== 0 || label.stdout.trim() !== 'true') return;
	await runCommand(engineCommand(engine, ['rm', '--force', '--volumes', id], {timeoutMs: 30_000}));
}
