import {mkdtemp, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {argsForEngine, engineCommand, loginArgs, pushArgs} from '../container/commands.js';
import type {Engine} from '../container/engine.js';
import {joinOutput, makeStarterImage} from '../container/images.js';
import {runCommand} from '../run/run-command.js';

export type SeedResult = {readonly ok: true; readonly reference: string} | {readonly ok: false; readonly message: string};

/**
 * Put a pretend classmate's image into a practice registry, so a student working alone
 * has something real to pull. Uses a login of its own (a temporary config), never the student's.
 */
export async function seedClassmateImage(
	engine: Engine,
	host: string,
	account: {username: string; password: string},
	signal?: AbortSignal,
): Promise<SeedResult> {
	const dir = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-classmate-'));
	const own: Engine = {...engine, env: {...engine.env, DOCKER_CONFIG: dir, REGISTRY_AUTH_FILE: path.join(dir, 'auth.json')}};
	const reference = `${host}/${account.username}/hello:1.0`;
	const run = (args: string[], stdin?: string) =>
		runCommand(engineCommand(own, argsForEngine(own, args, host), {timeoutMs: 60_000, ...(stdin === undefined ? {} : {stdin})}), {signal});
	try {
		const made = await makeStarterImage(own, account.username, {reference, signal});
		if (!made.ok) return {ok: false, message: made.output};
		for (const [args, stdin] of [[loginArgs(host, account.username), account.password], [pushArgs(reference)]] as const) {
			const result = await run([...args], stdin);
			if (result.exitCode !== 0) return {ok: false, message: joinOutput(result)};
		}
		// Gone from this computer, so pulling it really fetches it.
		await run(['rmi', reference]);
		return {ok: true, reference};
	} finally {
		await rm(dir, {recursive: true, force: true});
	}
}

/**
 * The lab's variables for a practice registry that just started: the student's generated account,
 * and (once a pretend classmate has pushed) the image to pull, as {classmateImage}.
 */
export async function practiceVars(
	engine: Engine,
	started: {host: string; accounts: readonly {username: string; password: string}[]},
	signal?: AbortSignal,
): Promise<Record<string, string>> {
	const [account, classmate] = started.accounts;
	if (!account) return {};
	// A pretend classmate pushes first, so there is something real to pull.
	const seeded = classmate ? await seedClassmateImage(engine, started.host, classmate, signal) : undefined;
	// Facts only: what the lesson says of them is the lesson's own text (its `vars:`).
	return {username: account.username, practicePassword: account.password, ...(seeded?.ok ? {classmateImage: seeded.reference} : {})};
}
