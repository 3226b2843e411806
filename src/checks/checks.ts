import type {Engine} from '../container/engine.js';
import {diagnose} from '../container/diagnose.js';
import type {Diagnosis} from '../lesson/results.js';
import {imageId, type Answer} from '../container/images.js';
import {inspectIdArgs} from '../container/commands.js';
import {terminalSafe} from '../text/terminal-safe.js';
import {readLoginState, readStoredCredentials, type LoginState} from '../container/login-state.js';
import {checkNamespace, parseReference, type ImageReference} from '../container/reference.js';
import {validateInput} from '../container/validate-input.js';
import type {CheckResult} from '../lesson/results.js';
import type {Check} from '../lesson/schema.js';
import {isDockerHub, registryTitle} from '../registry/address.js';
import type {FetchLike} from '../registry/http-request.js';
import {hubRepositoryUrl, type HubClient} from '../registry/hub-client.js';
import {exchangeCheckers} from './exchange-checks.js';
import {createRegistryClient, type RegistryClient, type RegistryCredentials, type RegistryFailure} from '../registry/registry-client.js';

export type CheckContext = {
	readonly engine: Engine;
	/** host[:port], or 'docker.io'. */
	readonly registry: string;
	readonly hub: HubClient;
	/** Credentials typed in this session, held in memory only. */
	readonly sessionCredentials?: () => RegistryCredentials | undefined;
	readonly signal?: AbortSignal;
	/** For tests: the registry client's fetch. */
	readonly fetch?: FetchLike;
	/** How long one check may take before it answers "could not check" (default checkTimeLimitMs; tests set it lower). */
	readonly timeLimitMs?: number;
};

/** A check that has not answered within this time could not be made: it says so, never a pass and never a fail. */
export const checkTimeLimitMs = 10_000;

/** What a check did, as told: at most this many lines of at most this many characters, made terminal-safe. */
const didLines = 4;
const didWidth = 300;

/**
 * Run one check against the real machine and registry, within its time limit (the run's signal stops it too). Never
 * throws; a check that ran out of time, or broke, could not be made (unknown), and says so.
 */
export async function runCheck(check: Check, context: CheckContext): Promise<CheckResult> {
	const limitMs = context.timeLimitMs ?? checkTimeLimitMs;
	const timer = AbortSignal.timeout(limitMs);
	const signal = context.signal ? AbortSignal.any([context.signal, timer]) : timer;
	let forget = (): void => {};
	const stopped = new Promise<'stopped'>(resolve => {
		const onAbort = (): void => resolve('stopped');
		signal.addEventListener('abort', onAbort, {once: true});
		forget = () => signal.removeEventListener('abort', onAbort);
	});
	let result: CheckResult;
	try {
		const answer = await Promise.race([checkers[check.type](check as never, {...context, signal, timeLimitMs: limitMs}), stopped]);
		if (timer.aborted || answer === 'stopped') result = timedOut(check, context, limitMs, answer === 'stopped' ? undefined : answer, !timer.aborted);
		else result = answer;
	} catch (error) {
		result = {
			ok: false,
			couldNotCheck: true,
			summary: 'The check itself failed unexpectedly.',
			detail: `${error instanceof Error ? error.message : String(error)}\nThis is not a mistake of yours: check again.`,
			diagnosis: diagnose('', {}),
			did: whatItAsks(check, context),
		};
	} finally {
		forget();
	}
	return result.did ? {...result, did: shortDid(result.did)} : result;
}

/** A check stopped by its time limit (or by the run): it could not be made. */
function timedOut(check: Check, context: CheckContext, limitMs: number, answer: CheckResult | undefined, canceled: boolean): CheckResult {
	const seconds = `${Math.round(limitMs / 100) / 10} s`;
	const did = answer?.did ?? whatItAsks(check, context);
	if (canceled) return {ok: false, couldNotCheck: true, summary: 'The check was stopped before it finished.', did};
	return {
		ok: false,
		couldNotCheck: true,
		summary: `No answer within ${seconds}.`,
		detail:
			`The check waited ${seconds} for ${asksRegistry.has(check.type) ? 'the registry' : 'this computer'} to answer, then gave up. ` +
			'This is not a mistake of yours: check again in a moment.',
		did: `${did}\n→ no answer within ${seconds}`,
	};
}

/** What a check asks, told before any answer: for a check that ran out of time. */
function whatItAsks(check: Check, context: CheckContext): string {
	const engine = context.engine.name;
	switch (check.type) {
		case 'local-image':
			return `${engine} ${inspectIdArgs(check.reference).join(' ')}`;
		case 'same-image':
			return [check.source, check.target].map(reference => `${engine} ${inspectIdArgs(reference).join(' ')}`).join('\n');
		case 'manifest':
		case 'tags': {
			const parsed = parseReference(check.reference);
			if (!parsed.valid) return nothingAsked;
			const {path, tag, digest} = parsed.reference;
			return check.type === 'manifest'
				? `HEAD ${parsed.reference.domain} /v2/${path}/manifests/${digest ?? tag ?? 'latest'}`
				: `GET ${parsed.reference.domain} /v2/${path}/tags/list`;
		}
		case 'logged-in':
			return `read ${engine}'s stored logins for ${check.registry}`;
		case 'hub-user-exists':
			return `asked Docker Hub about the user ${check.username}`;
		default:
			return nothingAsked;
	}
}

/** Checks that ask a registry (or Docker Hub); the rest look at this computer. */
const asksRegistry: ReadonlySet<Check['type']> = new Set(['hub-user-exists', 'manifest', 'tags', 'registry-host', 'classmate-image']);

const nothingAsked = 'looked at the answer itself: nothing outside was asked';

/** What a check did, bounded: a few lines, each cut short, terminal-safe. */
function shortDid(did: string): string {
	const lines = did.split('\n').filter(line => line.trim().length > 0);
	const kept = lines.slice(0, didLines).map(line => terminalSafe(line.length > didWidth ? `${line.slice(0, didWidth - 1)}…` : line));
	return [...kept, ...(lines.length > didLines ? ['…'] : [])].join('\n');
}

/** Run checks in order; the first that fails is the answer. */
export async function runChecks(checks: readonly Check[], context: CheckContext): Promise<CheckResult> {
	let last: CheckResult = {ok: true, summary: 'Nothing to check.'};
	for (const check of checks) {
		last = await runCheck(check, context);
		if (!last.ok) return last;
	}
	return last;
}

type Checker<T extends Check['type']> = (check: Extract<Check, {type: T}>, context: CheckContext) => Promise<CheckResult>;

const checkers: {[T in Check['type']]: Checker<T>} = {
	async recorded(check) {
		const did = nothingAsked;
		return check.value.trim() ? {ok: true, summary: `Noted: ${check.value}.`, did} : {ok: false, summary: 'Nothing was entered.', did};
	},

	async 'hub-user-exists'(check, context) {
		const answer = await context.hub.userExists(check.username);
		const did = answer.did ?? `asked Docker Hub about the user ${check.username} → ${answer.status}`;
		if (answer.status === 'exists') return {ok: true, summary: `Docker Hub knows the user ${check.username}.`, did};
		if (answer.status === 'missing') {
			return {
				ok: false,
				summary: `Docker Hub has no user called '${check.username}'.`,
				detail:
					answer.message ??
					'Check the spelling: it is the name at the top right of hub.docker.com, not your e-mail address. ' +
						'If you just signed up, confirm your e-mail first.',
				did,
			};
		}
		// Not a pass: nothing was checked. The lesson may go on without it, because the login proves the account exists.
		return {
			ok: false,
			couldNotCheck: true,
			mayGoOn: true,
			summary: `Docker Hub could not be asked whether the user '${check.username}' exists.`,
			detail: answer.message ?? 'Docker Hub did not answer.',
			diagnosis: {
				cause: 'network',
				title: 'Docker Hub could not be asked from here, so nothing was checked (this is not a mistake of yours).',
				hint: 'Check again when this computer is online, or go on without this check: the login step will prove that the account exists.',
			},
			did,
		};
	},

	async 'logged-in'(check, context) {
		const state = await readLoginState(context.engine, check.registry, {signal: context.signal, ...limit(context)});
		const where = registryTitle(check.registry);
		const did = loginDid(context, check.registry, state);
		if (!state.loggedIn) {
			const problem = state.helperProblem;
			return {
				ok: false,
				summary: `${context.engine.name} has no stored login for ${where}.`,
				detail: problem ?? state.reason,
				diagnosis: problem
					? diagnose(problem, {command: `${context.engine.name} login`, registry: check.registry})
					: notLoggedIn(context, check.registry),
				did,
			};
		}
		if (check.username && state.username && state.username !== check.username) {
			// The name docker reports may be taken as the answer, when it is one the lesson would accept as a username.
			const takeable = validateInput(isDockerHub(check.registry) ? 'hub-username' : 'username', state.username) === null;
			return {
				ok: false,
				summary: `${context.engine.name} is logged in to ${where} as '${state.username}', not '${check.username}'.`,
				detail: `Log in again as ${check.username} (it replaces the stored login)${takeable ? `, or use '${state.username}' as your username` : ''}.`,
				...(takeable ? {suggestion: {field: 'username', value: state.username}} : {}),
				did,
			};
		}
		const as = state.username ? ` as ${state.username}` : '';
		const store = state.store.kind === 'helper' ? ` (kept by ${state.store.program})` : ` (in ${state.configPath})`;
		return {ok: true, summary: `Logged in to ${where}${as}${store}.`, did};
	},

	async 'local-image'(check, context) {
		const answer = await imageId(context.engine, check.reference, {signal: context.signal, ...limit(context)});
		const did = inspectDid(context, check.reference, answer);
		if (answer.ok) {
			return {ok: true, summary: `${check.reference} is on this computer (image ${shortId(answer.value)}).`, facts: {imageId: answer.value}, did};
		}
		return {
			ok: false,
			...(isMissingImage(answer) ? {} : {couldNotCheck: true}),
			summary: isMissingImage(answer)
				? `${check.reference} is not on this computer.`
				: `${context.engine.name} could not be asked about ${check.reference}.`,
			detail: answer.output,
			diagnosis: diagnose(answer.spawnError ? `exec: "${context.engine.bin}": executable file not found in $PATH` : answer.output, {
				command: `${context.engine.name} image inspect ${check.reference}`,
				engine: context.engine.name,
				reference: check.reference,
			}),
			did,
		};
	},

	async 'same-image'(check, context) {
		const options = {signal: context.signal, ...limit(context)};
		const [source, target] = await Promise.all([imageId(context.engine, check.source, options), imageId(context.engine, check.target, options)]);
		const did = `${inspectDid(context, check.source, source)}\n${inspectDid(context, check.target, target)}`;
		const unasked = [target, source].find(answer => !answer.ok && !isMissingImage(answer));
		if (unasked && !unasked.ok) {
			return {
				ok: false,
				couldNotCheck: true,
				summary: `${context.engine.name} could not be asked about ${check.target} and ${check.source}.`,
				detail: unasked.output,
				diagnosis: diagnose(unasked.output, {command: `${context.engine.name} tag`, engine: context.engine.name}),
				did,
			};
		}
		if (!target.ok) {
			return {
				ok: false,
				summary: `There is no image called ${check.target} yet.`,
				detail: target.output,
				diagnosis: diagnose(target.output, {command: `${context.engine.name} tag`, reference: check.target}),
				did,
			};
		}
		if (!source.ok) {
			return {
				ok: false,
				summary: `The source image ${check.source} is gone.`,
				detail: source.output,
				diagnosis: diagnose(source.output, {command: `${context.engine.name} tag`, reference: check.source}),
				did,
			};
		}
		if (source.value !== target.value) {
			return {
				ok: false,
				summary: `${check.target} exists but is a different image from ${check.source}.`,
				detail: `${check.target} is ${shortId(target.value)}, ${check.source} is ${shortId(source.value)}. Tag again to move the name.`,
				did,
			};
		}
		return {ok: true, summary: `${check.target} and ${check.source} are the same image (${shortId(target.value)}): one image, two names.`, did};
	},

	async 'valid-reference'(check) {
		const parsed = parseReference(check.reference);
		const did = `read the image name as ${parsed.valid ? 'valid' : 'not valid'}: ${nothingAsked}`;
		if (parsed.valid) return {ok: true, summary: `${check.reference} is a valid image name.`, did};
		return {
			ok: false,
			summary: `'${check.reference}' is not a valid image name.`,
			detail: parsed.reason,
			diagnosis: diagnose('invalid reference format', {reference: check.reference}),
			did,
		};
	},

	async namespace(check, context) {
		const parsed = parseReference(check.reference);
		const did = `compared the image name with the username: ${nothingAsked}`;
		if (!parsed.valid) return {ok: false, summary: `'${check.reference}' is not a valid image name.`, detail: parsed.reason, did};
		const verdict = checkNamespace(parsed.reference, check.username);
		if (verdict.ok) return {ok: true, summary: `${check.reference} is under your name, ${check.username}.`, did};
		return {
			ok: false,
			summary: 'You can only push to repositories under your own username.',
			detail: verdict.reason,
			diagnosis: {
				cause: 'push-denied',
				title: `The image name must start with ${hostPrefix(parsed.reference, context.registry)}${check.username}/`,
				hint: isDockerHub(parsed.reference.domain)
					? 'Docker Hub only lets you push to your own namespace. Give the image a name that starts with your username.'
					: 'On the class registry everyone pushes under their own username, so nobody overwrites a classmate’s image.',
			},
			did,
		};
	},

	async manifest(check, context) {
		const parsed = parseReference(check.reference);
		if (!parsed.valid) return {ok: false, summary: `'${check.reference}' is not a valid image name.`, detail: parsed.reason, did: nothingAsked};
		const ref = parsed.reference;
		const client = await clientFor(ref, context);
		const answer = await client.headManifest(ref.path, ref.digest ?? ref.tag ?? 'latest');
		const did = requestsDid(answer.requests);
		if (answer.ok) {
			return {
				ok: true,
				summary: `The registry has ${ref.familiar}.\nDigest: ${answer.digest}`,
				facts: {digest: answer.digest, repositoryUrl: repositoryUrl(ref)},
				did,
			};
		}
		return {...registryFailure(answer, `The registry does not have ${ref.familiar}.`, ref, context), did};
	},

	async tags(check, context) {
		const parsed = parseReference(check.reference);
		if (!parsed.valid) return {ok: false, summary: `'${check.reference}' is not a valid image name.`, detail: parsed.reason, did: nothingAsked};
		const ref = parsed.reference;
		const client = await clientFor(ref, context);
		const answer = await client.listTags(ref.path);
		const did = requestsDid(answer.requests);
		if (!answer.ok) return {...registryFailure(answer, `Could not list the tags of ${ref.path}.`, ref, context), did};
		const tag = ref.tag ?? 'latest';
		const shown = shownTags(answer.tags, answer.more ?? 0, answer.stoppedEarly === true);
		const listing = `Tags in ${ref.domain}/${ref.path}: ${shown}`;
		const count = `${answer.tags.length}${answer.more || answer.stoppedEarly ? '+' : ''} tag(s)`;
		const told = `${did}\n→ ${count}${answer.tags.includes(tag) ? `, ${tag} among them` : `, no ${tag}`}`;
		if (!answer.tags.includes(tag)) {
			if (answer.more || answer.stoppedEarly) {
				// The tag may be among those not read: not a fail.
				return {
					ok: false,
					couldNotCheck: true,
					summary: `The registry lists more tags in ${ref.path} than the lab reads, so '${tag}' may be among the rest.`,
					detail: `${listing}\nThis is not a mistake of yours: check that tag with its manifest instead.`,
					did: told,
				};
			}
			return {ok: false, summary: `The registry lists no tag '${tag}' in ${ref.path}.`, detail: listing, did: told};
		}
		return {ok: true, summary: listing, facts: {tags: shown, repositoryUrl: repositoryUrl(ref)}, did: told};
	},

	...exchangeCheckers,
};

async function clientFor(ref: ImageReference, context: CheckContext): Promise<RegistryClient> {
	const credentials = context.sessionCredentials?.() ?? (await readStoredCredentials(context.engine, ref.domain)) ?? undefined;
	const make = (scheme?: 'http') =>
		createRegistryClient({
			registry: ref.domain,
			credentials,
			signal: context.signal,
			...limit(context),
			...(scheme ? {scheme} : {}),
			...(context.fetch ? {fetch: context.fetch} : {}),
		});
	return withPlainHttpFallback(make);
}

/**
 * A class registry on a classroom address often speaks plain HTTP, and the student's engine talks to it
 * because it is listed in insecure-registries. The engine asks over HTTPS first and, for such a registry,
 * again over HTTP; so do the checks, or they would fail a push the engine made.
 */
export function withPlainHttpFallback(make: (scheme?: 'http') => RegistryClient): RegistryClient {
	const secure = make();
	let plain: RegistryClient | undefined;
	const either = async <R extends {ok: true}>(call: (client: RegistryClient) => Promise<R | RegistryFailure>): Promise<R | RegistryFailure> => {
		const answer = await call(secure);
		if (answer.ok || answer.reason !== 'http-vs-https') return answer;
		plain ??= make('http');
		return call(plain);
	};
	return {
		ping: () => either(client => client.ping()),
		headManifest: (repository, reference) => either(client => client.headManifest(repository, reference)),
		listTags: repository => either(client => client.listTags(repository)),
		catalog: () => either(client => client.catalog()),
		deleteManifest: (repository, digest) => either(client => client.deleteManifest(repository, digest)),
	};
}

/**
 * A registry's answer that is not the thing asked for. Only a missing image or a login the registry refused is the
 * student's to mend (fail); a registry out of reach, too slow, too busy, broken or answering something unexpected
 * means the check could not be made (unknown): it says why, and to check again.
 */
function registryFailure(answer: RegistryFailure, notFound: string, ref: ImageReference, context: CheckContext): CheckResult {
	const detail = answer.message;
	const again = `${detail}\nThis is not a mistake of yours: check again in a moment.`;
	const diagnoseAs = (text: string): Diagnosis =>
		diagnose(text, {command: `${context.engine.name} push ${ref.familiar}`, registry: ref.domain, reference: ref.familiar, platform: process.platform});
	const unknown = {ok: false, couldNotCheck: true} as const;
	switch (answer.reason) {
		case 'not-found':
			return {ok: false, summary: notFound, detail: `${detail}\nHas the push finished without an error? Push again, then check.`};
		case 'unauthorized':
		case 'denied':
			return {ok: false, summary: `The registry would not show ${ref.familiar} to this account.`, detail, diagnosis: notLoggedIn(context, ref.domain)};
		case 'rate-limited':
			return {...unknown, summary: 'The registry says too many requests.', detail: again, diagnosis: diagnoseAs('toomanyrequests: too many requests')};
		case 'http-vs-https':
			return {...unknown, summary: 'The registry answers plain HTTP.', detail, diagnosis: diagnoseAs('http: server gave HTTP response to HTTPS client')};
		case 'tls':
			return {
				...unknown,
				summary: 'The registry’s certificate is not trusted here.',
				detail,
				diagnosis: diagnoseAs('x509: certificate signed by unknown authority'),
			};
		case 'network':
			if (answer.code === 'TIMEOUT') return {...unknown, summary: `The registry ${ref.domain} did not answer in time.`, detail: again};
			return {
				...unknown,
				summary: `The registry ${ref.domain} could not be reached.`,
				detail: again,
				diagnosis: diagnoseAs(`dial tcp ${ref.domain}: connect: connection refused`),
			};
		default:
			// A server error, the client refusing to send the password, or an answer that was not what was asked.
			if (answer.code === 'INSECURE_REALM' || answer.code === 'NOT_A_MANIFEST') return {...unknown, summary: `Could not check ${ref.familiar}.`, detail};
			return {...unknown, summary: `The registry answered with an error${answer.status ? ` (HTTP ${answer.status})` : ''}.`, detail: again};
	}
}

/** The requests a registry check made, as told (method, URL, status; never a header), or that none was sent. */
function requestsDid(requests: readonly string[] | undefined): string {
	return requests && requests.length > 0 ? requests.join('\n') : 'no request was sent to the registry';
}

/** The read-only command that asked for an image's id, and what it answered (the id, or its first line of error). */
function inspectDid(context: CheckContext, reference: string, answer: Answer<string>): string {
	const command = `${context.engine.name} ${inspectIdArgs(reference).join(' ')}`;
	if (answer.ok) return `${command} → ${answer.value}`;
	const said = answer.spawnError ? `could not start (${answer.spawnError})` : (answer.output.split('\n').find(line => line.trim()) ?? 'no output').trim();
	return `${command} → ${said}`;
}

/** Which file the login was read from, which program was asked, and what they said (never the password). */
function loginDid(context: CheckContext, registry: string, state: LoginState): string {
	const helper = state.loggedIn && state.store.kind === 'helper' ? ` and asked ${state.store.program} list` : '';
	const podman = context.engine.name === 'podman' ? `, ran podman login --get-login ${registry}` : '';
	const found = state.loggedIn
		? `logged in${state.username ? ` as ${state.username}` : ''}`
		: (state.helperProblem ?? state.reason).split('\n')[0]!.slice(0, 200);
	return `read ${state.configPath}${helper}${podman}\n→ ${found}`;
}

/** An engine answer that says the image is not there (the student's to mend), not that the engine could not be asked. */
function isMissingImage(answer: Answer<string>): boolean {
	return !answer.ok && !answer.spawnError && /no such (?:image|object)|image not known|not found|does not exist|invalid reference/i.test(answer.output);
}

/** The time limit of the commands a check runs: no longer than the check's own. */
function limit(context: CheckContext): {timeoutMs?: number} {
	return context.timeLimitMs === undefined ? {} : {timeoutMs: context.timeLimitMs};
}

function notLoggedIn(context: CheckContext, registry: string): Diagnosis {
	return diagnose('unauthorized: authentication required', {command: `${context.engine.name} push`, registry, engine: context.engine.name});
}

function hostPrefix(ref: ImageReference, registry: string): string {
	return isDockerHub(ref.domain) && isDockerHub(registry) ? '' : `${ref.domain}/`;
}

function repositoryUrl(ref: ImageReference): string {
	if (!isDockerHub(ref.domain)) return '';
	const [namespace = 'library', ...rest] = ref.path.split('/');
	return hubRepositoryUrl(namespace, rest.join('/'));
}

/** A tag list as shown: the first few, then how many more, so a registry with a million tags prints one short line. */
export const shownTagCount = 20;

export function shownTags(tags: readonly string[], more: number, stoppedEarly: boolean): string {
	if (tags.length === 0 && more === 0) return stoppedEarly ? '(none read)' : '(none)';
	const rest = tags.length - shownTagCount + more;
	const first = tags
		.slice(0, shownTagCount)
		.map(tag => (tag.length > 128 ? `${tag.slice(0, 127)}…` : tag))
		.join(', ');
	const unread = stoppedEarly ? ' (and the registry had still more)' : '';
	const after = rest > 0 ? ` … and ${rest} more${unread}` : stoppedEarly ? ' … and the registry had more' : '';
	return `${first}${after}`;
}

function shortId(id: string): string {
	return id.replace(/^sha256:/, '').slice(0, 12);
}
