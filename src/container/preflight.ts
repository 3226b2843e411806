/**
 * Before a lesson: does the engine program run, and does its engine answer?
 *
 * docker: one command, `docker version --format '{{json .}}'`, prints the
 * client's version even when the daemon cannot be reached, and the server's
 * version when it can. podman: `podman --version` for the program and
 * `podman info` for the engine, run side by side. Each failure carries the
 * diagnosis (what it means and what to do).
 */
import {runCommand, type CommandResult} from '../run/run-command.js';
import {engineCommand} from './commands.js';
import type {Diagnosis} from '../lesson/results.js';
import {diagnose} from './diagnose.js';
import type {Engine} from './engine.js';

export type PreflightItem = {
	readonly id: 'engine-cli' | 'daemon';
	readonly ok: boolean;
	readonly summary: string;
	readonly detail?: string;
	readonly diagnosis?: Diagnosis;
};

export type PreflightResult = {
	readonly ok: boolean;
	readonly items: readonly PreflightItem[];
	readonly clientVersion?: string;
	readonly serverVersion?: string;
};

export type PreflightOptions = {
	readonly signal?: AbortSignal;
	/** How long each command may take; a daemon that is starting or stuck can hang. Default 10 s. */
	readonly timeoutMs?: number;
};

const defaultTimeoutMs = 10_000;

export async function preflight(engine: Engine, options: PreflightOptions = {}): Promise<PreflightResult> {
	const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
	const run = (args: readonly string[]): Promise<CommandResult> => runCommand(engineCommand(engine, args, {timeoutMs}), {signal: options.signal});
	return engine.name === 'podman' ? podmanPreflight(engine, run, timeoutMs) : dockerPreflight(engine, run, timeoutMs);
}

type Run = (args: readonly string[]) => Promise<CommandResult>;

async function dockerPreflight(engine: Engine, run: Run, timeoutMs: number): Promise<PreflightResult> {
	const args = ['version', '--format', '{{json .}}'];
	const result = await run(args);
	const command = `docker ${args.join(' ')}`;
	const cli = cliItem(engine, result, command);
	if (!cli.ok) return finish([cli]);
	const versions = dockerVersions(result.stdout);
	const daemonOk = result.exitCode === 0 && versions.server !== undefined;
	const daemon = daemonOk
		? {id: 'daemon' as const, ok: true, summary: 'The Docker engine is running and answers.'}
		: daemonFailure(engine, result, command, timeoutMs);
	return finish([cli, daemon], versions.client, daemonOk ? versions.server : undefined);
}

async function podmanPreflight(engine: Engine, run: Run, timeoutMs: number): Promise<PreflightResult> {
	const versionArgs = ['--version'];
	const infoArgs = ['info', '--format', '{{.Version.Version}}'];
	const [version, info] = await Promise.all([run(versionArgs), run(infoArgs)]);
	const cli = cliItem(engine, version, `podman ${versionArgs.join(' ')}`);
	if (!cli.ok) return finish([cli]);
	const client = /version\s+(\S+)/i.exec(version.stdout)?.[1];
	const server = info.exitCode === 0 ? info.stdout.trim().split('\n')[0]?.trim() || undefined : undefined;
	const daemon = server !== undefined
		? {id: 'daemon' as const, ok: true, summary: 'podman works and its engine answers.'}
		: daemonFailure(engine, info, `podman ${infoArgs.join(' ')}`, timeoutMs);
	return finish([cli, daemon], client, server);
}

function finish(items: readonly PreflightItem[], clientVersion?: string, serverVersion?: string): PreflightResult {
	return {
		ok: items.every(item => item.ok),
		items,
		...(clientVersion ? {clientVersion} : {}),
		...(serverVersion ? {serverVersion} : {}),
	};
}

/** The program itself: could it be started at all? */
function cliItem(engine: Engine, result: CommandResult, command: string): PreflightItem {
	const context = {command, engine: engine.name};
	if (result.canceled) return {id: 'engine-cli', ok: false, summary: `The check of ${engine.name} was stopped before it finished.`};
	if (result.spawnError) {
		const notFound = `exec: "${engine.bin}": executable file not found in $PATH`;
		return {
			id: 'engine-cli',
			ok: false,
			summary: `The ${engine.name} program could not be started.`,
			detail:
				result.spawnError === 'ENOENT'
					? `There is no program '${engine.bin}' on this computer's PATH.`
					: `'${engine.bin}' could not be run (${result.spawnError}).`,
			diagnosis: diagnose(notFound, context),
		};
	}
	const said = output(result);
	const diagnosis = said ? diagnose(said, context) : undefined;
	if (diagnosis?.cause === 'engine-missing') {
		// A stand-in that only says "not installed here" (e.g. the WSL shim of Docker Desktop).
		return {id: 'engine-cli', ok: false, summary: `The ${engine.name} program is not really available here.`, detail: said, diagnosis};
	}
	return {id: 'engine-cli', ok: true, summary: `The ${engine.name} program is installed.`};
}

/** The engine behind the program did not answer: say why, with the fix. */
function daemonFailure(engine: Engine, result: CommandResult, command: string, timeoutMs: number): PreflightItem {
	const context = {command, engine: engine.name};
	const said = result.stderr.trim() || (engine.name === 'docker' ? '' : result.stdout.trim());
	const what = engine.name === 'docker' ? 'The Docker engine' : "podman's engine";
	if (result.canceled) return {id: 'daemon', ok: false, summary: `The check of ${engine.name}'s engine was stopped before it finished.`};
	if (result.timedOut) {
		const unreachable = diagnose(engine.name === 'docker' ? 'Cannot connect to the Docker daemon' : 'Cannot connect to Podman', context);
		const seconds = Math.max(1, Math.round(timeoutMs / 1000));
		const wait = `${seconds} second${seconds === 1 ? '' : 's'}`;
		return {
			id: 'daemon',
			ok: false,
			summary: `${what} did not answer within ${wait}.`,
			...(said ? {detail: said} : {}),
			diagnosis: {...unreachable, title: `${engine.name} did not answer within ${wait}: its engine may still be starting, or it is stuck or stopped.`},
		};
	}
	const diagnosis = diagnose(said, context);
	const summary =
		diagnosis.cause === 'daemon-permission'
			? `You are not allowed to use ${engine.name === 'docker' ? 'the Docker engine' : "podman's engine"}.`
			: diagnosis.cause === 'daemon-unreachable'
				? `${what} is not running, or cannot be reached.`
				: `${what} did not answer properly.`;
	return {id: 'daemon', ok: false, summary, ...(said ? {detail: said} : {}), diagnosis};
}

/** What the program printed, without the JSON version report on stdout. */
function output(result: CommandResult): string {
	const stdout = result.stdout
		.split('\n')
		.filter(line => !line.trimStart().startsWith('{'))
		.join('\n')
		.trim();
	return [stdout, result.stderr.trim()].filter(part => part.length > 0).join('\n');
}

type Versions = {readonly client?: string; readonly server?: string};

/** Client and server versions from `docker version --format '{{json .}}'` ("Server": null when the daemon is unreachable). */
function dockerVersions(stdout: string): Versions {
	for (const line of stdout.split('\n')) {
		if (!line.trimStart().startsWith('{')) continue;
		try {
			const parsed = JSON.parse(line) as {Client?: {Version?: unknown} | null; Server?: {Version?: unknown} | null};
			const client = typeof parsed.Client?.Version === 'string' ? parsed.Client.Version : undefined;
			const server = typeof parsed.Server?.Version === 'string' ? parsed.Server.Version : undefined;
			return {...(client ? {client} : {}), ...(server ? {server} : {})};
		} catch {
			// Not the version report: keep looking.
		}
	}
	return {};
}
