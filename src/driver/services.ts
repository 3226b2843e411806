import {diagnose} from '../container/diagnose.js';
import {argsForEngine, engineCommand} from '../container/commands.js';
import type {Engine} from '../container/engine.js';
import {imageId, joinOutput, listImages, makeStarterImage, starterImageFor} from '../container/images.js';
import {readLoginState} from '../container/login-state.js';
import type {CheckResult, CommandOutcome} from '../lesson/results.js';
import {engineArgsProblem} from '../lesson/engine-policy.js';
import type {Check, RegistryKind} from '../lesson/schema.js';
import type {Made} from '../progress/made-by-lab.js';
import {dockerHubDomain, registryName} from '../registry/address.js';
import type {FetchLike} from '../registry/http-request.js';
import {createHubClient, type HubClient} from '../registry/hub-client.js';
import type {RegistryCredentials} from '../registry/registry-client.js';
import {runCommand, type RunOptions} from '../run/run-command.js';
import {runCheck, runChecks, type CheckContext} from '../checks/checks.js';

/** Everything the lesson needs from the outside world, in one place the UI can call. */
export type LabServices = {
	readonly engine: Engine;
	/** host[:port] or 'docker.io'. */
	readonly registry: string;
	readonly registryKind: RegistryKind;
	readonly hub: HubClient;
	runEngine(args: readonly string[], options: {stdin?: string; timeoutMs?: number} & RunOptions): Promise<CommandOutcome>;
	runCheck(check: Check, signal?: AbortSignal): Promise<CheckResult>;
	runChecks(checks: readonly Check[], signal?: AbortSignal): Promise<CheckResult>;
	listImages: typeof listImages;
	makeStarterImage: typeof makeStarterImage;
	/** Credentials typed in this session, for the lab's own registry checks; memory only. */
	setSessionCredentials(credentials: RegistryCredentials | undefined): void;
};

export type ServiceOptions = {
	readonly engine: Engine;
	readonly registry: string;
	readonly registryKind: RegistryKind;
	readonly hub?: HubClient;
	readonly fetch?: FetchLike;
	/**
	 * Told of each thing a command of the lesson made on this computer (a tag, a pulled image, a
	 * login, the starter image), for `registry-lab cleanup`. Never for a thing that was here before.
	 */
	readonly recordMade?: (thing: Made) => void;
	/** How long one check may take before it could not be made (default: the checks' own, 10 s). */
	readonly checkTimeLimitMs?: number;
};

export function createLabServices(options: ServiceOptions): LabServices {
	const {engine, registry, registryKind} = options;
	const hub = options.hub ?? createHubClient();
	let credentials: RegistryCredentials | undefined;
	const context = (signal?: AbortSignal): CheckContext => ({
		engine,
		registry,
		hub,
		signal,
		sessionCredentials: () => credentials,
		...(options.fetch ? {fetch: options.fetch} : {}),
		...(options.checkTimeLimitMs ? {timeLimitMs: options.checkTimeLimitMs} : {}),
	});
	const record = async (on: Engine, kind: 'tag' | 'pull' | 'starter', reference: string): Promise<void> => {
		const id = await imageId(on, reference);
		if (id.ok) note({kind, engine: on.name, reference, imageId: id.value, at: new Date().toISOString()});
	};
	const note = (thing: Made): void => {
		try {
			options.recordMade?.(thing);
		} catch {
			// The record is for cleaning up later: a lesson never stops because it could not be written.
		}
	};
	/**
	 * What a command of the lesson is about to make, by its verb (never by lesson or step): what was
	 * here before is looked at first, and the returned function records what the command made once it
	 * has succeeded. undefined: the command makes nothing the lab keeps a record of.
	 */
	const beforeMaking = async (lessonArgs: readonly string[]): Promise<(() => Promise<void>) | undefined> => {
		const {verb, names} = engineVerb(lessonArgs);
		if (verb === 'tag' && names[1]) {
			const target = names[1];
			const before = await imageId(engine, target);
			return async () => {
				const after = await imageId(engine, target);
				// A name that already pointed at this image was not made by the lab.
				if (after.ok && !(before.ok && before.value === after.value))
					note({kind: 'tag', engine: engine.name, reference: target, imageId: after.value, at: now()});
			};
		}
		if (verb === 'pull' && names[0]) {
			const reference = names[0];
			// An image already here was not the lab's to pull: it is never removed.
			if ((await imageId(engine, reference)).ok) return undefined;
			return () => record(engine, 'pull', reference);
		}
		if (verb === 'login') {
			const host = names[0] ? registryName(names[0]) : dockerHubDomain;
			// A practice registry's login is removed with the registry, however the lab ends.
			if (registryKind === 'practice' && host === registryName(registry)) return undefined;
			const before = await readLoginState(engine, host).catch(() => undefined);
			return async () => {
				const after = await readLoginState(engine, host).catch(() => undefined);
				const where = after?.loggedIn ? {store: after.store, configPath: after.configPath} : {};
				note({kind: 'login', engine: engine.name, registry: host, replaced: before?.loggedIn === true, at: now(), ...where});
			};
		}
		return undefined;
	};
	return {
		engine,
		registry,
		registryKind,
		hub,
		async runEngine(lessonArgs, {stdin, timeoutMs, signal, onLine}) {
			// Checked again once filled in: a value (a name a student typed) must never become an engine option.
			const refused = engineArgsProblem(lessonArgs);
			if (refused) {
				const reason = `registry-lab refused to run it: ${refused.reason}`;
				return {exitCode: null, canceled: false, timedOut: false, output: reason, spawnError: 'refused'};
			}
			const args = argsForEngine(engine, lessonArgs, registry);
			const noting = options.recordMade ? await beforeMaking(lessonArgs) : undefined;
			const result = await runCommand(engineCommand(engine, args, {stdin, timeoutMs}), {signal, onLine});
			if (noting && result.exitCode === 0 && !result.canceled) await noting();
			const output = joinOutput(result);
			const failed = result.exitCode !== 0 && !result.canceled;
			const commandLine = [engine.name, ...args].join(' ');
			const text = result.spawnError === 'ENOENT' ? `exec: "${engine.bin}": executable file not found in $PATH` : output;
			return {
				exitCode: result.exitCode,
				canceled: result.canceled,
				timedOut: result.timedOut,
				output,
				...(result.spawnError ? {spawnError: result.spawnError} : {}),
				...(failed ? {diagnosis: diagnose(text, {command: commandLine, engine: engine.name, registry, platform: process.platform})} : {}),
			};
		},
		runCheck: (check, signal) => runCheck(check, context(signal)),
		runChecks: (checks, signal) => runChecks(checks, context(signal)),
		listImages,
		async makeStarterImage(starterEngine, author, runOptions = {}) {
			const reference = runOptions.reference ?? starterImageFor(author);
			const here = options.recordMade ? (await imageId(starterEngine, reference, runOptions)).ok : true;
			const made = await makeStarterImage(starterEngine, author, runOptions);
			if (made.ok && !here) await record(starterEngine, 'starter', reference);
			return made;
		},
		setSessionCredentials(next) {
			credentials = next;
		},
	};
}

const now = (): string => new Date().toISOString();

/** Options of login, tag and pull that take a value: their value is not a name. */
const valueOptions = new Set(['-u', '--username', '-p', '--password', '--platform']);

/** The engine verb of a lesson's command (`image tag` is `tag`) and the names after it, options left out. */
export function engineVerb(args: readonly string[]): {verb: string; names: string[]} {
	const rest = args[0] === 'image' ? args.slice(1) : [...args];
	const [verb = '', ...after] = rest;
	const names: string[] = [];
	for (let i = 0; i < after.length; i++) {
		const arg = after[i]!;
		if (arg === '--') {
			names.push(...after.slice(i + 1).filter(name => name !== ''));
			break;
		}
		if (arg.startsWith('-')) {
			if (valueOptions.has(arg)) i++;
			continue;
		}
		if (arg !== '') names.push(arg);
	}
	return {verb, names};
}
