/**
 * What the outside world answers a lesson with: a check's result, a command's outcome, a
 * diagnosis of what went wrong. Plain data, shared by the checks, the engine commands, the
 * pure lesson run and the faces (see docs/ARCHITECTURE.md, "Words").
 */
import type {Vars} from './template.js';

/** Every cause a diagnosis can name (the taxonomy of src/container/diagnose.ts). */
export const causes = [
	'engine-missing',
	'daemon-unreachable',
	'daemon-permission',
	'login-failed',
	'not-logged-in',
	'push-denied',
	'image-not-found',
	'local-image-missing',
	'invalid-reference',
	'rate-limited',
	'http-vs-https',
	'tls-untrusted',
	'credential-helper',
	'network',
	'disk-full',
	'platform-mismatch',
	'unknown',
] as const;

export type Cause = (typeof causes)[number];

/** What went wrong, in a beginner's words, and what to do next. */
export type Diagnosis = {readonly cause: Cause; readonly title: string; readonly hint: string};

/** What a check answers. */
export type CheckResult = {
	readonly ok: boolean;
	readonly summary: string;
	readonly detail?: string;
	readonly diagnosis?: Diagnosis;
	/** Values the check learned (a digest, a URL), added to the lesson's variables. */
	readonly facts?: Vars;
};

export type OutputLine = {readonly text: string; readonly stream: 'stdout' | 'stderr'};

/** How an engine command ended. */
export type CommandOutcome = {
	readonly exitCode: number | null;
	readonly canceled: boolean;
	readonly timedOut: boolean;
	readonly output: string;
	readonly diagnosis?: Diagnosis;
	readonly spawnError?: string;
};
