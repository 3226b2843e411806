/**
 * What the parts of the practice registry share: its public types, the one address it
 * listens on, and the failures they return (each a message and what to do next).
 */
import {spawnSync} from 'node:child_process';
import {engineCommand} from '../../container/commands.js';
import type {Engine} from '../../container/engine.js';
import {runCommand} from '../../run/run-command.js';
import {stopOnce, track, untrack, type Tracked} from './clean-up.js';
import type {DataDir} from './data-dir.js';
import type {RunRecorder} from './run-records.js';

export type PracticeAccount = {readonly username: string; readonly password: string};

/** A distribution registry on 127.0.0.1 (practiceIp) with htpasswd accounts, for practice on one computer. */
export type PracticeRegistry = {
	/** '127.0.0.1:PORT' */
	readonly host: string;
	readonly accounts: readonly PracticeAccount[];
	/** Where config.yml, auth/htpasswd and storage/ live. */
	readonly dataDir: string;
	readonly how: 'binary' | 'container';
	/** The registry program's path, or the container's id. */
	readonly program: string;
	/** Something the student should read, said once: what an earlier lab that was killed left behind and how it was cleaned up. */
	readonly notice?: string;
	/** Stops the registry, logs the engine out of it, and removes dataDir (unless keepData). Safe to call more than once. */
	stop(): Promise<void>;
};

export type StartOptions = {
	/** Default: one account 'student' with a generated password. */
	readonly accounts?: readonly {username: string; password?: string}[];
	/** The engine for the container fallback (default: docker with this process's environment). */
	readonly engine?: Engine;
	/** A registry program to run, instead of looking for one on PATH. */
	readonly binary?: string;
	/** Default: a new temp dir. An existing dir is kept; only the files written here are removed. */
	readonly dataDir?: string;
	readonly keepData?: boolean;
	/** Default: a free port on 127.0.0.1. */
	readonly port?: number;
	readonly signal?: AbortSignal;
	/** How long the registry may take to answer once started (default 15 s; a pull of the image is not counted). */
	readonly startTimeoutMs?: number;
	/** Force one way to run it; default: a registry program if there is one, else a container. */
	readonly how?: 'binary' | 'container';
	/** The image for the container fallback (default registry:2). */
	readonly image?: string;
	/** Where each start records what it ran, so a start after a killed lab can clean up (default: a private folder in the temp folder). */
	readonly runsDir?: string;
};

export type StartFailure = {readonly ok: false; readonly message: string; readonly hint: string; readonly log?: string; readonly notice?: string};

export type StartResult = ({readonly ok: true} & PracticeRegistry) | StartFailure;


/** What every way of running the registry gets from startPracticeRegistry. */
export type Context = {
	readonly options: StartOptions;
	readonly accounts: readonly PracticeAccount[];
	readonly data: DataDir;
	readonly timeoutMs: number;
	/** The engine to run the container with, and to log out of the registry when it stops. */
	readonly engine: Engine;
	readonly record: RunRecorder;
};

/** One try on one port: started, the port was taken (try another), or failed. */
export type Outcome =
	| {readonly kind: 'started'; readonly registry: {readonly ok: true} & PracticeRegistry}
	| {readonly kind: 'port-taken'; readonly log: string}
	| {readonly kind: 'failed'; readonly failure: StartFailure};

/** Loopback only: a practice registry is for this computer, never reachable from the network. */
export const practiceIp = '127.0.0.1';

export function practiceHost(port: number): string {
	return `${practiceIp}:${port}`;
}

export const installHint =
	'Install the distribution registry (`sudo apt install docker-registry`), or pull registry:2 once while online (`docker pull registry:2`).';

export const portInUse = /address already in use|port is already allocated/i;

/** Tracked from the start until stop() is done, files and login too: an exit of the lab in between still cleans up. */
export function trackRun(context: Context, host: string, killSync: () => void): Tracked {
	const {engine} = context;
	const logoutSync = () => {
		spawnSync(engine.bin, [...(engine.globalArgs ?? []), 'logout', host], {env: {...process.env, ...engine.env}, stdio: 'ignore', timeout: 5000});
	};
	return track({killSync, logoutSync, removeSync: context.options.keepData ? undefined : context.data.removeSync, forgetSync: context.record.forget});
}

/**
 * A login to a registry that is gone is of no use and would stay in the student's docker config:
 * log out, best effort and bounded, with the student's engine settings.
 */
export async function logoutFrom(engine: Engine, host: string): Promise<void> {
	await runCommand(engineCommand(engine, ['logout', host], {timeoutMs: 10_000})).catch(() => undefined);
}

type Running = {
	readonly host: string;
	readonly how: PracticeRegistry['how'];
	readonly program: string;
	readonly kill: () => Promise<void>;
	readonly entry: Tracked;
};

/** A registry that answers: stop() kills it, removes its files (unless kept) and stops tracking it, once. */
export function startedRegistry(context: Context, running: Running): Outcome {
	const {data, options} = context;
	const stop = stopOnce(async () => {
		await running.kill();
		await logoutFrom(context.engine, running.host);
		if (!options.keepData) await data.remove();
		context.record.forget();
		untrack(running.entry);
	});
	const {host, how, program} = running;
	return {kind: 'started', registry: {ok: true, host, accounts: context.accounts, dataDir: data.dir, how, program, stop}};
}

export function failure(message: string, hint: string, log?: string): StartFailure {
	return {ok: false, message, hint, ...(log && log.trim().length > 0 ? {log} : {})};
}

export function failed(message: string, hint: string, log?: string): Outcome {
	return {kind: 'failed', failure: failure(message, hint, log)};
}

export function canceled(): StartFailure {
	return failure('Starting the practice registry was canceled.', 'Start it again when you are ready.');
}

export function portTaken(port: number, log: string): StartFailure {
	return failure(
		`Port ${port} on ${practiceIp} is already in use, so the practice registry cannot listen there.`,
		'Choose another port, or leave the port out to get a free one.',
		log,
	);
}

export function seconds(ms: number): string {
	return `${Math.round(ms / 100) / 10} s`;
}

export function lowerFirst(text: string): string {
	return text.charAt(0).toLowerCase() + text.slice(1);
}
