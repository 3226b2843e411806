import {diagnose} from '../container/diagnose.js';
import {argsForEngine, engineCommand} from '../container/commands.js';
import type {Engine} from '../container/engine.js';
import {joinOutput, listImages, makeStarterImage} from '../container/images.js';
import type {CheckResult, CommandOutcome} from '../lesson/results.js';
import {engineArgsProblem} from '../lesson/engine-policy.js';
import type {Check, RegistryKind} from '../lesson/schema.js';
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
			const result = await runCommand(engineCommand(engine, args, {stdin, timeoutMs}), {signal, onLine});
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
		makeStarterImage,
		setSessionCredentials(next) {
			credentials = next;
		},
	};
}
