import type {Engine} from '../container/engine.js';
import {diagnose} from '../container/diagnose.js';
import type {Diagnosis} from '../lesson/results.js';
import {imageId} from '../container/images.js';
import {readLoginState, readStoredCredentials} from '../container/login-state.js';
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
};

/** Run one check against the real machine and registry. Never throws. */
export async function runCheck(check: Check, context: CheckContext): Promise<CheckResult> {
	try {
		return await checkers[check.type](check as never, context);
	} catch (error) {
		return {
			ok: false,
			summary: 'The check itself failed unexpectedly.',
			detail: error instanceof Error ? error.message : String(error),
			diagnosis: diagnose('', {}),
		};
	}
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
		return check.value.trim() ? {ok: true, summary: `Noted: ${check.value}.`} : {ok: false, summary: 'Nothing was entered.'};
	},

	async 'hub-user-exists'(check, context) {
		const answer = await context.hub.userExists(check.username);
		if (answer.status === 'exists') return {ok: true, summary: `Docker Hub knows the user ${check.username}.`};
		if (answer.status === 'missing') {
			return {
				ok: false,
				summary: `Docker Hub has no user called '${check.username}'.`,
				detail:
					answer.message ??
					'Check the spelling: it is the name at the top right of hub.docker.com, not your e-mail address. ' +
						'If you just signed up, confirm your e-mail first.',
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
		};
	},

	async 'logged-in'(check, context) {
		const state = await readLoginState(context.engine, check.registry, {signal: context.signal});
		const where = registryTitle(check.registry);
		if (!state.loggedIn) {
			const problem = state.helperProblem;
			return {
				ok: false,
				summary: `${context.engine.name} has no stored login for ${where}.`,
				detail: problem ?? state.reason,
				diagnosis: problem
					? diagnose(problem, {command: `${context.engine.name} login`, registry: check.registry})
					: notLoggedIn(context, check.registry),
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
			};
		}
		const as = state.username ? ` as ${state.username}` : '';
		const store = state.store.kind === 'helper' ? ` (kept by ${state.store.program})` : ` (in ${state.configPath})`;
		return {ok: true, summary: `Logged in to ${where}${as}${store}.`};
	},

	async 'local-image'(check, context) {
		const answer = await imageId(context.engine, check.reference, {signal: context.signal});
		if (answer.ok) return {ok: true, summary: `${check.reference} is on this computer (image ${shortId(answer.value)}).`, facts: {imageId: answer.value}};
		return {
			ok: false,
			summary: `${check.reference} is not on this computer.`,
			detail: answer.output,
			diagnosis: diagnose(answer.spawnError ? `exec: "${context.engine.bin}": executable file not found in $PATH` : answer.output, {
				command: `${context.engine.name} image inspect ${check.reference}`,
				engine: context.engine.name,
				reference: check.reference,
			}),
		};
	},

	async 'same-image'(check, context) {
		const [source, target] = await Promise.all([
			imageId(context.engine, check.source, {signal: context.signal}),
			imageId(context.engine, check.target, {signal: context.signal}),
		]);
		if (!target.ok) {
			return {
				ok: false,
				summary: `There is no image called ${check.target} yet.`,
				detail: target.output,
				diagnosis: diagnose(target.output, {command: `${context.engine.name} tag`, reference: check.target}),
			};
		}
		if (!source.ok) {
			return {
				ok: false,
				summary: `The source image ${check.source} is gone.`,
				detail: source.output,
				diagnosis: diagnose(source.output, {command: `${context.engine.name} tag`, reference: check.source}),
			};
		}
		if (source.value !== target.value) {
			return {
				ok: false,
				summary: `${check.target} exists but is a different image from ${check.source}.`,
				detail: `${check.target} is ${shortId(target.value)}, ${check.source} is ${shortId(source.value)}. Tag again to move the name.`,
			};
		}
		return {ok: true, summary: `${check.target} and ${check.source} are the same image (${shortId(target.value)}): one image, two names.`};
	},

	async 'valid-reference'(check) {
		const parsed = parseReference(check.reference);
		if (parsed.valid) return {ok: true, summary: `${check.reference} is a valid image name.`};
		return {
			ok: false,
			summary: `'${check.reference}' is not a valid image name.`,
			detail: parsed.reason,
			diagnosis: diagnose('invalid reference format', {reference: check.reference}),
		};
	},

	async namespace(check, context) {
		const parsed = parseReference(check.reference);
		if (!parsed.valid) return {ok: false, summary: `'${check.reference}' is not a valid image name.`, detail: parsed.reason};
		const verdict = checkNamespace(parsed.reference, check.username);
		if (verdict.ok) return {ok: true, summary: `${check.reference} is under your name, ${check.username}.`};
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
		};
	},

	async manifest(check, context) {
		const parsed = parseReference(check.reference);
		if (!parsed.valid) return {ok: false, summary: `'${check.reference}' is not a valid image name.`, detail: parsed.reason};
		const ref = parsed.reference;
		const client = await clientFor(ref, context);
		const answer = await client.headManifest(ref.path, ref.digest ?? ref.tag ?? 'latest');
		if (answer.ok) {
			return {
				ok: true,
				summary: `The registry has ${ref.familiar}.\nDigest: ${answer.digest}`,
				facts: {digest: answer.digest, repositoryUrl: repositoryUrl(ref)},
			};
		}
		return registryFailure(answer, `The registry does not have ${ref.familiar}.`, ref, context);
	},

	async tags(check, context) {
		const parsed = parseReference(check.reference);
		if (!parsed.valid) return {ok: false, summary: `'${check.reference}' is not a valid image name.`, detail: parsed.reason};
		const ref = parsed.reference;
		const client = await clientFor(ref, context);
		const answer = await client.listTags(ref.path);
		if (!answer.ok) return registryFailure(answer, `Could not list the tags of ${ref.path}.`, ref, context);
		const tag = ref.tag ?? 'latest';
		const shown = shownTags(answer.tags, answer.more ?? 0, answer.stoppedEarly === true);
		const listing = `Tags in ${ref.domain}/${ref.path}: ${shown}`;
		if (!answer.tags.includes(tag)) {
			if (answer.more || answer.stoppedEarly) {
				return {
					ok: false,
					summary: `Could not check for the tag '${tag}': the registry lists more tags in ${ref.path} than the lab reads.`,
					detail: listing,
				};
			}
			return {ok: false, summary: `The registry lists no tag '${tag}' in ${ref.path}.`, detail: listing};
		}
		return {ok: true, summary: listing, facts: {tags: shown, repositoryUrl: repositoryUrl(ref)}};
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

function registryFailure(answer: RegistryFailure, notFound: string, ref: ImageReference, context: CheckContext): CheckResult {
	const detail = answer.message;
	const diagnoseAs = (text: string): Diagnosis =>
		diagnose(text, {command: `${context.engine.name} push ${ref.familiar}`, registry: ref.domain, reference: ref.familiar, platform: process.platform});
	switch (answer.reason) {
		case 'not-found':
			return {ok: false, summary: notFound, detail: `${detail}\nHas the push finished without an error? Push again, then check.`};
		case 'unauthorized':
		case 'denied':
			return {ok: false, summary: `The registry would not show ${ref.familiar} to this account.`, detail, diagnosis: notLoggedIn(context, ref.domain)};
		case 'rate-limited':
			return {ok: false, summary: 'The registry says too many requests.', detail, diagnosis: diagnoseAs('toomanyrequests: too many requests')};
		case 'http-vs-https':
			return {ok: false, summary: 'The registry answers plain HTTP.', detail, diagnosis: diagnoseAs('http: server gave HTTP response to HTTPS client')};
		case 'tls':
			return {
				ok: false,
				summary: 'The registry’s certificate is not trusted.',
				detail,
				diagnosis: diagnoseAs('x509: certificate signed by unknown authority'),
			};
		case 'network':
			return {
				ok: false,
				summary: `Could not reach the registry ${ref.domain}.`,
				detail,
				diagnosis: diagnoseAs(`dial tcp ${ref.domain}: connect: connection refused`),
			};
		default:
			// The client refused to send the password, or the answer was not what was asked: the check could not be made.
			if (answer.code === 'INSECURE_REALM' || answer.code === 'NOT_A_MANIFEST') return {ok: false, summary: `Could not check ${ref.familiar}.`, detail};
			return {ok: false, summary: `The registry answered with an error${answer.status ? ` (HTTP ${answer.status})` : ''}.`, detail};
	}
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
